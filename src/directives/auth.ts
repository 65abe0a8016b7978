// Enforces @auth(requires: Role) from the built schema itself, so the directive printed in
// schema.graphql is the one source of truth. Both `resolve` and `subscribe` are guarded.
import { getDirective, getDirectiveInExtensions, MapperKind, mapSchema } from "@graphql-tools/utils";
import { defaultFieldResolver, type GraphQLFieldConfig, type GraphQLFieldResolver, type GraphQLSchema } from "graphql";
import { forbidden, unauthenticated } from "../errors.js";
import type { Role } from "../generated/prisma/enums.js";
import type { Context } from "../graphql/context.js";

/** USER < ORGANIZER < ADMIN. */
export const ROLE_RANK: Record<Role, number> = { USER: 0, ORGANIZER: 1, ADMIN: 2 };

export const hasRole = (role: Role, required: Role) => ROLE_RANK[role] >= ROLE_RANK[required];

/** Throws UNAUTHENTICATED for anonymous callers and FORBIDDEN when the role is too low. */
export function assertRole(context: Context, required: Role): void {
  if (!context.viewer) throw unauthenticated();
  if (!hasRole(context.viewer.role, required)) {
    throw forbidden(`This requires the ${required} role`);
  }
}

function guard(resolver: GraphQLFieldResolver<unknown, Context>, required: Role): GraphQLFieldResolver<unknown, Context> {
  return (source, args, context, info) => {
    assertRole(context, required);
    return resolver(source, args, context, info);
  };
}

export function applyAuthDirective(schema: GraphQLSchema, directiveName = "auth"): GraphQLSchema {
  const definition = schema.getDirective(directiveName);
  if (!definition) throw new Error(`@${directiveName} is not defined in the schema`);
  const defaultRole = definition.args.find((arg) => arg.name === "requires")?.defaultValue as Role;

  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (fieldConfig: GraphQLFieldConfig<unknown, Context>) => {
      // Pothos keeps directives in extensions (what printSchemaWithDirectives prints) and its mock
      // AST carries enum arguments as strings, which getDirective rejects: read extensions first,
      // the AST only for schemas built from SDL.
      const directive = (getDirectiveInExtensions(fieldConfig, directiveName) ??
        getDirective(schema, fieldConfig, directiveName))?.[0];
      if (!directive) return fieldConfig;
      const required = (directive.requires as Role | undefined) ?? defaultRole;
      if (!Object.hasOwn(ROLE_RANK, required)) throw new Error(`@${directiveName}(requires: ${String(required)}) names no role`);
      return {
        ...fieldConfig,
        resolve: guard(fieldConfig.resolve ?? defaultFieldResolver, required),
        ...(fieldConfig.subscribe ? { subscribe: guard(fieldConfig.subscribe, required) } : {}),
      };
    },
  });
}
