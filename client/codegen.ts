// GraphQL Code Generator: typed documents for the kit's own operations (src/operations), from the
// API's printed schema. The output is committed; `npm run codegen:check -w client` fails when it
// is stale (CI runs it next to schema:check).
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/operations/*.graphql"],
  generates: {
    "src/generated/operations.ts": {
      plugins: ["typescript-operations", "typed-document-node"],
      config: {
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: { field: true, inputValue: false, object: false },
        scalars: { DateTime: "string", ID: "string" },
      },
    },
  },
};

export default config;
