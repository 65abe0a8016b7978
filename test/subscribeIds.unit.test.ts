// The adapter's per-socket id bookkeeping (src/realtime/sessions/subscribeIds.ts): a subscribe reusing an id the
// client completed reaches graphql-ws's core only once the core's earlier run of that id ended;
// a complete for a subscribe still waiting drops both; anything else passes straight through.
import { describe, expect, it } from "vitest";
import { SubscribeIds } from "../src/realtime/sessions/subscribeIds.js";

const subscribe = (id: string) => JSON.stringify({ id, type: "subscribe", payload: { query: "subscription { x }" } });
const complete = (id: string) => JSON.stringify({ id, type: "complete" });

function harness() {
  const handed: string[] = [];
  const runs = new Map<string, () => void>();
  const refused: string[] = [];
  const ids = new SubscribeIds((id) => refused.push(id));
  ids.handOver = (text) => {
    handed.push(text);
    const frame = text.startsWith("{") ? JSON.parse(text) : {};
    // A subscribe runs until the test ends it; anything else is done at once.
    return frame.type === "subscribe" ? new Promise<void>((resolve) => runs.set(frame.id, resolve)) : Promise.resolve();
  };
  const endRun = async (id: string) => {
    runs.get(id)!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { ids, handed, refused, endRun };
}

describe("subscribe ids", () => {
  it("holds a subscribe reusing a completed id until the earlier run ended", async () => {
    const { ids, handed, endRun } = harness();
    ids.receive(subscribe("a"));
    ids.receive(complete("a"));
    ids.receive(subscribe("a"));
    expect(handed).toEqual([subscribe("a"), complete("a")]);
    await endRun("a");
    expect(handed).toEqual([subscribe("a"), complete("a"), subscribe("a")]);
  });

  it("drops a waiting subscribe and its complete together; other frames pass", async () => {
    const { ids, handed, endRun } = harness();
    ids.receive(subscribe("a"));
    ids.receive(complete("a"));
    for (let i = 0; i < 100; i++) {
      ids.receive(subscribe("a"));
      ids.receive(complete("a"));
    }
    ids.receive(JSON.stringify({ type: "ping" }));
    ids.receive("not json");
    await endRun("a");
    expect(handed).toEqual([subscribe("a"), complete("a"), JSON.stringify({ type: "ping" }), "not json"]);
  });

  it("passes a reuse of a running id to the core (which refuses it), refuses a second waiting one, and hands nothing over after close", async () => {
    const { ids, handed, refused, endRun } = harness();
    ids.receive(subscribe("a"));
    ids.receive(subscribe("a"));
    expect(handed).toEqual([subscribe("a"), subscribe("a")]);
    ids.receive(complete("a"));
    ids.receive(subscribe("a"));
    ids.receive(subscribe("a"));
    expect(refused).toEqual(["a"]);
    ids.close();
    await endRun("a");
    expect(handed).toHaveLength(3);
  });

  it("lets the client reuse an id the server ended itself only once that run is over", async () => {
    const { ids, handed, endRun } = harness();
    ids.receive(subscribe("a"));
    ids.ended("a");
    ids.receive(subscribe("a"));
    expect(handed).toEqual([subscribe("a")]);
    await endRun("a");
    expect(handed).toEqual([subscribe("a"), subscribe("a")]);
  });
});
