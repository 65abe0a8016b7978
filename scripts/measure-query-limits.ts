// Prints what each of our reference operations measures against the query limits, and the
// limits themselves: the numbers README.md "Query limits" is written from.
import { QUERY_LIMITS } from "../src/graphql/queryLimits.js";
import { schema } from "../src/schema/index.js";
import { measure } from "../test/fixtures/measureQueries.js";
import { REFERENCE_OPERATIONS } from "../test/fixtures/referenceQueries.js";

const rows = Object.entries(REFERENCE_OPERATIONS).map(([name, { query, variables }]) => ({
  operation: name,
  ...measure(schema, query, variables),
}));
console.table([...rows, { operation: "LIMIT", ...QUERY_LIMITS }]);
