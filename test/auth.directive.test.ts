// The @auth transformer on a schema of its own: the directive alone guards resolve and subscribe.
import { buildSchema, execute, parse, subscribe, type ExecutionResult } from "graphql";
import { describe, expect, it } from "vitest";
import { applyAuthDirective } from "../src/directives/auth.js";
import type { Context, Viewer } from "../src/graphql/context.js";

const sdl = /* GraphQL */ `
  enum Role { USER ORGANIZER ADMIN }
  directive @auth(requires: Role = USER) on FIELD_DEFINITION
  type Query { open: String  signedIn: String @auth  organizers: String @auth(requires: ORGANIZER) }
  type Subscription { ticks: Int @auth(requires: ADMIN) }
`;

function guardedSchema() {
  const schema = buildSchema(sdl);
  for (const name of ["open", "signedIn", "organizers"]) schema.getQueryType()!.getFields()[name]!.resolve = () => name;
  schema.getSubscriptionType()!.getFields().ticks!.subscribe = async function* () {
    yield { ticks: 1 };
  };
  return applyAuthDirective(schema);
}

const contextFor = (role?: Viewer["role"]) =>
  ({ viewer: role ? { id: "u", role, sessionId: "s", tokenExpiresAt: new Date() } : null }) as unknown as Context;

const codes = (result: ExecutionResult) => Object.fromEntries((result.errors ?? []).map((e) => [e.path?.[0], e.extensions.code]));

describe("applyAuthDirective", () => {
  const schema = guardedSchema();
  const query = (role?: Viewer["role"]) =>
    execute({
      schema,
      document: parse("{ open signedIn organizers }"),
      contextValue: contextFor(role),
    }) as Promise<ExecutionResult>;

  it("anonymous: unguarded fields resolve, guarded ones are UNAUTHENTICATED", async () => {
    const result = await query();
    expect(result.data).toEqual({ open: "open", signedIn: null, organizers: null });
    expect(codes(result)).toEqual({ signedIn: "UNAUTHENTICATED", organizers: "UNAUTHENTICATED" });
  });

  it("USER < ORGANIZER < ADMIN: a role too low is FORBIDDEN, an equal or higher one passes", async () => {
    expect(codes(await query("USER"))).toEqual({ organizers: "FORBIDDEN" });
    expect((await query("ORGANIZER")).errors).toBeUndefined();
    expect((await query("ADMIN")).data).toEqual({ open: "open", signedIn: "signedIn", organizers: "organizers" });
  });

  it("guards subscribe: no stream for a caller below the required role", async () => {
    const document = parse("subscription { ticks }");
    const refused = (await subscribe({ schema, document, contextValue: contextFor("ORGANIZER") })) as ExecutionResult;
    expect(refused.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    const anonymous = (await subscribe({ schema, document, contextValue: contextFor() })) as ExecutionResult;
    expect(anonymous.errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");
    const stream = (await subscribe({
      schema,
      document,
      contextValue: contextFor("ADMIN"),
    })) as AsyncIterableIterator<ExecutionResult>;
    expect((await stream.next()).value).toEqual({ data: { ticks: 1 } });
  });
});

describe("the printed schema", () => {
  it("prints @auth on the guarded account fields, as the contract states", async () => {
    const { printSchemaWithDirectives } = await import("@graphql-tools/utils");
    const { printableSchema } = await import("../src/schema/index.js");
    const printed = printSchemaWithDirectives(printableSchema);
    expect(printed).toContain("directive @auth(requires: Role = USER) on FIELD_DEFINITION");
    expect(printed).toContain("  me: User @auth\n");
    expect(printed).toContain("  logoutAll: Int! @auth\n");
    expect(printed).toContain("  setUserRole(id: ID!, role: Role!): User! @auth(requires: ADMIN)\n");
    expect(printed).toContain("  setUserActive(id: ID!, isActive: Boolean!): User! @auth(requires: ADMIN)\n");
  });

  it("reads back typed directive arguments through getDirective, as every transformer does", async () => {
    const { getDirective } = await import("@graphql-tools/utils");
    const { printableSchema } = await import("../src/schema/index.js");
    const setUserRole = printableSchema.getMutationType()!.getFields().setUserRole!;
    expect(getDirective(printableSchema, setUserRole, "auth")).toEqual([{ requires: "ADMIN" }]);
  });
});
