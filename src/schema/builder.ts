// The one Pothos builder. Domain files in this folder register their types against it;
// schema/index.ts imports them all and builds the schema.
import SchemaBuilder from "@pothos/core";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import DirectivePlugin from "@pothos/plugin-directives";
import RelayPlugin from "@pothos/plugin-relay";
import ZodPlugin from "@pothos/plugin-zod";
import type { Context } from "../graphql/context.js";
import type { Role } from "../generated/prisma/enums.js";
import { decodeGlobalId, encodeGlobalId } from "./globalId.js";
import { zodValidationError } from "../validation.js";

export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Scalars: {
    ID: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
  };
  Connection: { totalCount: number | (() => Promise<number>) };
  Directives: {
    auth: { locations: "FIELD_DEFINITION"; args: { requires?: Role } };
    rateLimit: {
      locations: "FIELD_DEFINITION";
      args: { max: number; window: string; identityArgs?: string[] };
    };
  };
}>({
  plugins: [DirectivePlugin, ZodPlugin, RelayPlugin, DataloaderPlugin],
  defaultFieldNullability: false,
  directives: { useGraphQLToolsUnorderedDirectives: true },
  zod: { validationError: (error) => zodValidationError(error) },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    nodesQueryOptions: false,
    encodeGlobalID: encodeGlobalId,
    decodeGlobalID: decodeGlobalId,
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

builder.globalConnectionField("totalCount", (t) =>
  t.int({
    resolve: (parent) => (typeof parent.totalCount === "function" ? parent.totalCount() : parent.totalCount),
  }),
);
