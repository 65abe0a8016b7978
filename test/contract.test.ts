// The public contract (docs/contract.graphql) against the schema we serve: every type, field,
// argument (with default), enum value, interface, union member and directive use must be there
// with the same name and nullability. Where the steering copy of the contract sits beside the
// checkout (../shared/api), the repo's copy must equal it.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  print,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLSchema,
} from "graphql";
import { describe, expect, it } from "vitest";
import { printableSchema } from "../src/schema/index.js";

const contractPath = fileURLToPath(new URL("../docs/contract.graphql", import.meta.url));
const upstreamPath = fileURLToPath(new URL("../../shared/api/contract.graphql", import.meta.url));

const directivesOf = (field: GraphQLField<unknown, unknown> | GraphQLInputField) =>
  (field.astNode?.directives ?? []).map((d) => print(d)).sort();

function differences(contract: GraphQLSchema, ours: GraphQLSchema): string[] {
  const problems: string[] = [];
  for (const [name, type] of Object.entries(contract.getTypeMap())) {
    if (name.startsWith("__")) continue;
    const mine = ours.getType(name);
    if (!mine) {
      problems.push(`type ${name} is missing`);
      continue;
    }
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      const fields = (mine as typeof type).getFields() as Record<string, GraphQLField<unknown, unknown>>;
      for (const [fieldName, field] of Object.entries(type.getFields()) as [string, GraphQLField<unknown, unknown>][]) {
        const at = `${name}.${fieldName}`;
        const ourField = fields[fieldName];
        if (!ourField) {
          problems.push(`${at} is missing`);
          continue;
        }
        if (String(ourField.type) !== String(field.type)) problems.push(`${at}: ${ourField.type}, contract says ${field.type}`);
        for (const arg of field.args ?? []) {
          const ourArg = ourField.args.find((a) => a.name === arg.name);
          if (!ourArg) problems.push(`${at}(${arg.name}) is missing`);
          else if (String(ourArg.type) !== String(arg.type))
            problems.push(`${at}(${arg.name}): ${ourArg.type}, contract says ${arg.type}`);
          else if (JSON.stringify(ourArg.defaultValue) !== JSON.stringify(arg.defaultValue))
            problems.push(`${at}(${arg.name}) defaults to ${ourArg.defaultValue}, contract says ${arg.defaultValue}`);
        }
        for (const directive of directivesOf(field)) {
          const ours = directivesOf(ourField).map((d) => d.replace("(requires: USER)", ""));
          if (!ours.includes(directive.replace("(requires: USER)", ""))) problems.push(`${at} lacks ${directive}`);
        }
      }
    }
    if (isObjectType(type) && isObjectType(mine))
      for (const i of type.getInterfaces())
        if (!mine.getInterfaces().some((x) => x.name === i.name)) problems.push(`${name} does not implement ${i.name}`);
    if (isEnumType(type) && isEnumType(mine))
      for (const v of type.getValues()) if (!mine.getValue(v.name)) problems.push(`${name}.${v.name} is missing`);
    if (isUnionType(type) && isUnionType(mine))
      for (const t of type.getTypes())
        if (!mine.getTypes().some((x) => x.name === t.name)) problems.push(`${name} lacks ${t.name}`);
  }
  for (const directive of contract.getDirectives())
    if (!ours.getDirective(directive.name)) problems.push(`@${directive.name} is missing`);
  return problems;
}

describe("the public contract", () => {
  it("is fully served by the schema, directives included", () => {
    const contract = buildSchema(readFileSync(contractPath, "utf8"));
    const ours = buildSchema(printSchemaWithDirectives(printableSchema));
    expect(differences(contract, ours)).toEqual([]);
  });

  it.skipIf(!existsSync(upstreamPath))("is the same text as the steering copy beside the checkout", () => {
    expect(readFileSync(contractPath, "utf8")).toBe(readFileSync(upstreamPath, "utf8"));
  });

  it("catches a renamed field (the check itself can fail)", () => {
    const contract = buildSchema("type Query { me: String }");
    const ours = buildSchema("type Query { myself: String }");
    expect(differences(contract, ours)).toEqual(["Query.me is missing"]);
  });
});
