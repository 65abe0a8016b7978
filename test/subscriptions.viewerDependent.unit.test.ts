// Sharing is safe by construction: a field declared viewer-dependent where it is defined (and
// nowhere else) is never shared between two viewers' subscriptions, however new the field. A
// test-only schema adds such a field; the same field without the declaration shows that the
// shared execution would otherwise hand one viewer's result to the other.
import SchemaBuilder from "@pothos/core";
import { envelop, useEngine, useSchema } from "@envelop/core";
import { execute, parse, subscribe, validate, type ExecutionResult } from "graphql";
import { describe, expect, it } from "vitest";
import type { Viewer } from "../src/identity/viewer.js";
import { useSharedSubscriptionExecution } from "../src/realtime/delivery/useSharedSubscriptionExecution.js";
import { viewerDependent, viewerDependentFields } from "../src/graphql/viewerDependent.js";

interface Post {
  text: string;
}

function testSchema() {
  const builder = new SchemaBuilder<{ Context: { viewer: Viewer | null } }>({});
  const PostRef = builder.objectRef<Post>("Post").implement({
    fields: (t) => ({
      text: t.exposeString("text"),
      readBy: t.string({
        nullable: true,
        extensions: viewerDependent,
        resolve: (_post, _args, { viewer }) => viewer?.id ?? null,
      }),
      readByUndeclared: t.string({ nullable: true, resolve: (_post, _args, { viewer }) => viewer?.id ?? null }),
    }),
  });
  builder.queryType({ fields: (t) => ({ ok: t.boolean({ resolve: () => true }) }) });
  // Every subscriber gets the SAME event object, as the room event bus hands it out.
  const event: Post = { text: "hola" };
  builder.subscriptionType({
    fields: (t) => ({
      posts: t.field({
        type: PostRef,
        subscribe: async function* () {
          yield event;
        },
        resolve: (post) => post,
      }),
    }),
  });
  return builder.toSchema();
}

const viewer = (id: string): Viewer => ({ id, role: "USER", tokenExpiresAt: new Date(Date.now() + 60_000) });

/** The first event each viewer receives, subscribed with the same document, one after the other. */
async function firstEvents(field: string, viewers: Viewer[]) {
  const schema = testSchema();
  const getEnveloped = envelop({
    plugins: [useEngine({ parse, validate, execute, subscribe }), useSchema(schema), useSharedSubscriptionExecution()],
  });
  const document = parse(`subscription { posts { text ${field} } }`);
  const streams = [];
  for (const one of viewers) {
    const { subscribe: run } = getEnveloped();
    streams.push((await run({ schema, document, contextValue: { viewer: one } })) as AsyncIterableIterator<ExecutionResult>);
  }
  const results = [];
  for (const stream of streams) results.push((await stream.next()).value as ExecutionResult);
  return results;
}

describe("viewer-dependent fields in shared subscription execution", () => {
  it("reads the declaration from the field", () => {
    expect([...viewerDependentFields(testSchema())]).toEqual(["Post.readBy"]);
  });

  it("never shares a declared field's result between two viewers", async () => {
    const [ana, beto] = await firstEvents("readBy", [viewer("ana"), viewer("beto")]);
    expect(ana).toEqual({ data: { posts: { text: "hola", readBy: "ana" } } });
    expect(beto).toEqual({ data: { posts: { text: "hola", readBy: "beto" } } });
  });

  it("shares the result of a field that is not declared (what the declaration prevents)", async () => {
    const [ana, beto] = await firstEvents("readByUndeclared", [viewer("ana"), viewer("beto")]);
    expect(ana).toEqual({ data: { posts: { text: "hola", readByUndeclared: "ana" } } });
    expect(beto).toEqual({ data: { posts: { text: "hola", readByUndeclared: "ana" } } });
  });
});
