// messages: sendMessage end to end (stored, then delivered to 10 subscribers), closed-loop senders.
import { closeAll, openMany, openRawSubscriber, type OpenSocket } from "../lib/clients.js";
import { ROOMS, type Seeded } from "../lib/db.js";
import { openOurSubscribers, sendMessage, type SenderPool } from "../lib/ours.js";
import { cpuMs, type RunningServer } from "../lib/proc.js";
import type { ScenarioReport, ServerResult } from "../lib/report.js";
import { SCALE } from "../lib/scale.js";
import { startOurs, startPeer } from "../lib/servers.js";
import { medianOf, sleep } from "../lib/stats.js";

const MARKER = "<msg>";

/** What the messages scenarios report: throughput, and the server's CPU per message. */
export const MESSAGE_FIGURES: Pick<ScenarioReport, "metrics" | "primary"> = {
  metrics: [
    { key: "msgsPerSec", label: "messages/s", higherIsBetter: true, digits: 0 },
    { key: "cpuMsPerMessage", label: "server CPU ms/message", higherIsBetter: false, digits: 2 },
  ],
  primary: "msgsPerSec",
};

export interface MessageSide {
  start(): Promise<RunningServer>;
  open(server: RunningServer, onFrame: (data: Buffer) => void): Promise<OpenSocket[]>;
  send(server: RunningServer, text: string): Promise<void>;
}

/** Sends `count` messages from `concurrency` closed-loop senders; done when all are delivered everywhere. */
async function round(server: RunningServer, side: MessageSide, counter: { delivered: number }, count: number) {
  counter.delivered = 0;
  const expected = count * SCALE.messageSubscribers;
  const t0 = performance.now();
  const cpu0 = cpuMs(server.pid);
  let sent = 0;
  await Promise.all(
    Array.from({ length: SCALE.messageConcurrency }, async () => {
      while (sent < count) {
        sent++;
        await side.send(server, `${MARKER} ${sent}`);
      }
    }),
  );
  for (let waited = 0; counter.delivered < expected; waited += 5) {
    if (waited > 15_000) throw new Error(`only ${counter.delivered} of ${expected} deliveries arrived`);
    await sleep(5);
  }
  return { msgsPerSec: count / ((performance.now() - t0) / 1000), cpuMsPerMessage: (cpuMs(server.pid) - cpu0) / count };
}

/** A warm-up and SCALE.rounds rounds against a running server, with the subscribers' sockets open. */
export async function measureMessages(name: string, server: RunningServer, side: MessageSide): Promise<ServerResult> {
  const counter = { delivered: 0 };
  let sockets: OpenSocket[] = [];
  try {
    sockets = await side.open(server, (data) => data.includes(MARKER) && counter.delivered++);
    await sleep(1000);
    await round(server, side, counter, SCALE.messageWarmup);
    const rounds = [];
    for (let i = 0; i < SCALE.rounds; i++) rounds.push(await round(server, side, counter, SCALE.messagesPerRound));
    return { server: name, rounds, median: medianOf(rounds) };
  } finally {
    closeAll(sockets);
  }
}

async function measure(name: string, side: MessageSide): Promise<ServerResult> {
  const server = await side.start();
  try {
    return await measureMessages(name, server, side);
  } finally {
    await server.stop();
  }
}

const subscribersOf = (seeded: Seeded) => seeded.members.slice(100, 100 + SCALE.messageSubscribers);

/** Ours: sendMessage over HTTP; one subscriber socket per user, 10 distinct members of the room. */
export const oursMessages = (seeded: Seeded, senders: SenderPool): MessageSide => ({
  start: () => startOurs(),
  open: async (server, onFrame) =>
    (
      await Promise.all(
        subscribersOf(seeded).map((user) =>
          openOurSubscribers({ url: server.url, users: [user], count: 1, roomOf: () => ROOMS.messages, onFrame }),
        ),
      )
    ).flat(),
  send: (server, text) => sendMessage(`${server.url}/graphql`, senders, ROOMS.messages, text),
});

export async function messages(seeded: Seeded, senders: SenderPool): Promise<ScenarioReport> {
  const roomId = seeded.rooms.get(ROOMS.messages)!;
  const raw: MessageSide = {
    start: () => startPeer("wsRaw"),
    open: (server, onFrame) =>
      openMany(SCALE.messageSubscribers, 10, () =>
        openRawSubscriber(`${server.url.replace(/^http/, "ws")}/ws`, ROOMS.messages, onFrame),
      ),
    send: async (server, text) => {
      const res = await fetch(`${server.url}/message`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ room: ROOMS.messages, roomId, authorId: senders.take().user.id, text }),
      });
      if (!res.ok) throw new Error(`wsRaw /message: HTTP ${res.status}`);
      await res.arrayBuffer();
    },
  };
  const results = [await measure("ours", oursMessages(seeded, senders)), await measure("wsRaw", raw)];
  return {
    id: "messages",
    title: "4. messages",
    method:
      `${SCALE.messageSubscribers} subscribers in one room; ${SCALE.messageConcurrency} closed-loop senders post ${SCALE.messagesPerRound} messages per round over HTTP ` +
      `(a ${SCALE.messageWarmup.toLocaleString("en-US")}-message warm-up, ${SCALE.rounds} rounds); a round ends when every message has reached every subscriber. ` +
      "ours: `sendMessage` (auth with a session check, rate limit in Redis, validation, one INSERT joined to the author on `pg`, an audit entry (batched), publish to Redis, graphql-ws delivery). wsRaw: POST /message does one `pg` INSERT … RETURNING and sends the row as JSON to the room's sockets. " +
      "Server CPU per message: the server process's user + system time over the round (from /proc) divided by the messages sent.",
    ...MESSAGE_FIGURES,
    results,
    notes: [],
  };
}
