// messages-ws: the messages workload (10 subscribers, closed-loop senders, a round ends when every
// message reached every subscriber) with the messages sent through the client kit over its
// socket, next to the same workload sent over HTTP, both against ours started afresh.
import { ROOMS, type Seeded } from "../lib/db.js";
import { KitSenderPool } from "../lib/kitSenders.js";
import type { SenderPool } from "../lib/ours.js";
import type { ScenarioReport, ServerResult } from "../lib/report.js";
import { SCALE } from "../lib/scale.js";
import { startOurs } from "../lib/servers.js";
import { MESSAGE_FIGURES, measureMessages, oursMessages } from "./messages.js";

/** Seeded members that send through the kit: not the subscribers; many also send over HTTP in scenario 4, whose rotation over 2,500 users leaves each far below the limit. */
const kitUsersOf = (seeded: Seeded) => seeded.members.slice(200, 200 + SCALE.kitSenders);

async function overSocket(seeded: Seeded, senders: SenderPool): Promise<ServerResult> {
  const side = oursMessages(seeded, senders);
  const server = await startOurs();
  let pool: KitSenderPool | undefined;
  try {
    pool = await KitSenderPool.open(`${server.url}/graphql`, kitUsersOf(seeded));
    const kit = pool;
    return await measureMessages("ours", server, { ...side, send: (_server, text) => kit.send(ROOMS.messages, text) });
  } finally {
    await pool?.close();
    await server.stop();
  }
}

async function overHttp(seeded: Seeded, senders: SenderPool): Promise<ServerResult> {
  const server = await startOurs();
  try {
    return { ...(await measureMessages("ours", server, oursMessages(seeded, senders))), server: "ours over HTTP" };
  } finally {
    await server.stop();
  }
}

export async function messagesWs(seeded: Seeded, senders: SenderPool): Promise<ScenarioReport> {
  const results = [await overSocket(seeded, senders), await overHttp(seeded, senders)];
  return {
    id: "messages-ws",
    title: "5. messages-ws",
    method:
      `The messages workload (${SCALE.messageSubscribers} subscribers in one room, ${SCALE.messageConcurrency} closed-loop senders, ${SCALE.messagesPerRound} messages per round after a ` +
      `${SCALE.messageWarmup.toLocaleString("en-US")}-message warm-up, ${SCALE.rounds} rounds; a round ends when every message has reached every subscriber) with each message sent ` +
      `through the client kit: \`realtime.sendMessage\` (a clientMessageId, the outbox, \`sendMessage\` over the kit's graphql-ws socket, the receipt awaited), rotating over ` +
      `${SCALE.kitSenders.toLocaleString("en-US")} kit clients, one seeded user and one socket each, opened before the warm-up. ours over HTTP: the same workload on a fresh server with ` +
      "`sendMessage` POSTed as in scenario 4, measured right after as the baseline.",
    ...MESSAGE_FIGURES,
    results,
    notes: [],
  };
}
