// Which operations graphql-jit may run (queries, and subscription events in the shared
// execution): jit 0.8 refuses an omitted non-null value that has a default, graphql-js applies the
// default, so such operations must stay with graphql-js. A wrong "yes" costs a subscription its
// shared execution (every event fails in jit, then runs once per subscriber).
import { getOperationAST, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { compilableVariables } from "../src/graphql/compilableVariables.js";
import { schema } from "../src/schema/index.js";

const verdict = (source: string) => compilableVariables(schema, getOperationAST(parse(source))!) !== null;

describe("compilableVariables", () => {
  it("lets jit run operations whose variables it coerces as graphql-js does", () => {
    expect(verdict("subscription ($room: String!) { roomEvents(room: $room) { __typename } }")).toBe(true);
    expect(
      verdict("subscription ($room: String!, $x: Boolean = false) { roomEvents(room: $room, excludeSelf: $x) { __typename } }"),
    ).toBe(true);
    expect(verdict("query { events(first: 1) { totalCount } }")).toBe(true);
  });

  it("keeps graphql-js for a non-null variable with a default, or an input field like it", () => {
    expect(
      verdict("subscription ($room: String!, $x: Boolean! = false) { roomEvents(room: $room, excludeSelf: $x) { __typename } }"),
    ).toBe(false);
    expect(verdict("query ($first: Int! = 5) { events(first: $first) { totalCount } }")).toBe(false);
    expect(verdict("query ($o: EventOrder) { events(first: 1, orderBy: $o) { totalCount } }")).toBe(false);
  });
});
