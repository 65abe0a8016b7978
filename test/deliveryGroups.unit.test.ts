// Direct delivery of shared subscription results: one execution and one serialization per event
// and operation, every subscriber's events in order, and anything that cannot go directly (a
// result with errors, a slow socket) handed back to that subscriber's own path for good.
import { GraphQLError, type ExecutionResult } from "graphql";
import { describe, expect, it } from "vitest";
import { DeliveryGroups, type Recipient } from "../src/realtime/delivery/deliveryGroups.js";

function recipient(opts: { busy?: boolean } = {}) {
  const sent: string[] = [];
  const handedBack: unknown[] = [];
  const r: Recipient = {
    delivery: {
      send: (payload) => {
        if (opts.busy) return false;
        sent.push(payload);
        return true;
      },
    },
    toReader: (event) => handedBack.push(event),
  };
  return { r, sent, handedBack };
}

function deferred() {
  let resolve!: (result: ExecutionResult) => void;
  const promise = new Promise<ExecutionResult>((r) => (resolve = r));
  return { promise, resolve };
}

const settle = () => new Promise((r) => setTimeout(r, 1));

describe("delivery groups", () => {
  it("executes and serializes each event once per key, and sends every recipient its events in order", async () => {
    const groups = new DeliveryGroups();
    const [one, two] = [recipient(), recipient()];
    const first = deferred();
    const second = deferred();
    const executions: string[] = [];
    const execute = (name: string, d: ReturnType<typeof deferred>) => () => {
      executions.push(name);
      return d.promise;
    };
    const e1 = { n: 1 };
    const e2 = { n: 2 };
    groups.add("k", e1, one.r, execute("e1", first));
    groups.add("k", e1, two.r, execute("e1 again", first));
    groups.add("k", e2, one.r, execute("e2", second));
    groups.add("k", e2, two.r, execute("e2 again", second));
    second.resolve({ data: { n: 2 } }); // the later event's result is ready first
    await settle();
    expect(one.sent).toEqual([]);
    first.resolve({ data: { n: 1 } });
    await settle();
    expect(executions).toEqual(["e1", "e2"]);
    expect(one.sent).toEqual(['{"data":{"n":1}}', '{"data":{"n":2}}']);
    expect(two.sent).toEqual(one.sent);
  });

  it("hands an event whose result has errors back to each recipient's own path, with every later event of theirs", async () => {
    const groups = new DeliveryGroups();
    const [one, two] = [recipient(), recipient()];
    const e1 = { n: 1 };
    const e2 = { n: 2 };
    const failing = deferred();
    groups.add("k", e1, one.r, () => failing.promise);
    groups.add("k", e2, one.r, async () => ({ data: { n: 2 } }));
    groups.add("other", e2, two.r, async () => ({ data: { n: 2 } }));
    failing.resolve({ data: null, errors: [new GraphQLError("boom")] });
    await settle();
    expect(one.sent).toEqual([]);
    expect(one.handedBack).toEqual([e1, e2]);
    expect(two.sent).toEqual(['{"data":{"n":2}}']);
  });

  it("hands back what a busy socket cannot take now, and what an execution that threw did not produce", async () => {
    const groups = new DeliveryGroups();
    const [busy, other, unlucky] = [recipient({ busy: true }), recipient(), recipient()];
    const e1 = { n: 1 };
    groups.add("k", e1, busy.r, async () => ({ data: { n: 1 } }));
    groups.add("k", e1, other.r, async () => ({ data: { n: 1 } }));
    groups.add("thrown", e1, unlucky.r, async () => Promise.reject(new Error("db down")));
    await settle();
    expect(busy.handedBack).toEqual([e1]);
    expect(other.sent).toEqual(['{"data":{"n":1}}']);
    expect(other.handedBack).toEqual([]);
    expect(unlucky.handedBack).toEqual([e1]);
  });
});
