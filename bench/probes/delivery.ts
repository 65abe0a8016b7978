// `npm run probe:delivery [-- <git-rev>]`: does every receipted message reach every live
// subscriber once and in order through the faults every deployment sees? Two instances of ours
// (production settings, the working tree or <git-rev> in a temporary worktree) on a fresh
// PostgreSQL database and a redis-server of its own; subscribers on both; senders retrying with
// the same clientMessageId on the other instance when a call fails. The first instance is killed
// with SIGKILL with 100 sends in flight (its subscribers resume on the other with `since`; it is
// started again), then Redis is killed with SIGKILL for 5 s and restarted empty. Prints messages
// receipted, stored, delivered, missing, doubled, out of order, sendMessage latency during the
// outage, and what a new subscription got then. Needs PostgreSQL on 127.0.0.1:5432
// (BENCH_PG_ADMIN_URL) and redis-server on PATH; takes about a minute.
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openDatabase } from "../../src/db/client.js";
import { encodeGlobalId } from "../../src/schema/globalId.js";
import { startOwnedRedis } from "../../test/helpers/ownedServices.js";
import { checkout, git, removeCheckout } from "../lib/checkout.js";
import { openGraphqlWsSubscriber, type OpenSocket } from "../lib/clients.js";
import { admin, databaseUrlOf, type BenchUser } from "../lib/db.js";
import type { RunningServer } from "../lib/proc.js";
import { startOurs } from "../lib/servers.js";
import { percentile, sleep } from "../lib/stats.js";
import { tokenFor } from "../lib/tokens.js";

const SUBSCRIBERS_PER_INSTANCE = Number(process.env.PROBE_SUBSCRIBERS ?? 25);
const SENDERS = Number(process.env.PROBE_SENDERS ?? 40);
/** Each sender posts once per this many ms (below the production sendMessage limit of 20 per 10 s). */
const SEND_EVERY_MS = 1000;
const REDIS_OUTAGE_MS = 5000;
/** Sends in flight on instance A when it is killed. */
const KILL_BURST = 100;
const KILL_AFTER_MS = 40;
const SETTLE_MS = 10_000;

const ROOM = "probe-delivery";
const SUBSCRIPTION = `subscription ($room: String!, $since: ID) {
  roomEvents(room: $room, since: $since) { __typename ... on MessagePosted { message { id } } }
}`;
const SEND = `mutation ($input: SendMessageInput!) { sendMessage(input: $input) { messageId } }`;

const rev = process.argv[2];
const dbName = `mt_probe_delivery_${process.pid}`;
const dbUrl = databaseUrlOf(dbName);

/** A fresh database with the server's migrations, one room and signed-in users. */
async function prepareDatabase(users: number): Promise<BenchUser[]> {
  await admin(`CREATE DATABASE ${dbName}`);
  await admin(`ALTER DATABASE ${dbName} SET synchronous_commit = off`);
  const db = await openDatabase({ databaseUrl: dbUrl, dataDir: mkdtempSync(join(tmpdir(), "mt-probe-")), log: () => {} });
  await db.close();
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    await client.query(`INSERT INTO "Room" (id, slug, name) VALUES (gen_random_uuid(), $1, $1)`, [ROOM]);
    await client.query(
      `INSERT INTO "User" (id, email, "passwordHash", "displayName", role, "updatedAt")
       SELECT gen_random_uuid(), 'probe' || g || '@probe.test', 'not-a-password-hash', 'Probe ' || g, 'USER', now()
       FROM generate_series(1, $1::int) g`,
      [users],
    );
    await client.query(
      `INSERT INTO "Session" (id, "userId", "expiresAt") SELECT gen_random_uuid(), id, now() + interval '1 day' FROM "User"`,
    );
    const { rows } = await client.query<BenchUser>(
      `SELECT u.id, u.role, s.id AS "sessionId" FROM "User" u JOIN "Session" s ON s."userId" = u.id`,
    );
    return rows;
  } finally {
    await client.end();
  }
}

/** The room's stored messages in history order: GraphQL id → position. */
async function storedMessages(): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `SELECT m.id FROM "Message" m JOIN "Room" r ON r.id = m."roomId" WHERE r.slug = $1 ORDER BY m.seq`,
      [ROOM],
    );
    return new Map(rows.map((row, i) => [encodeGlobalId("Message", row.id), i]));
  } finally {
    await client.end();
  }
}

/** One subscriber: the ids it received in order; when its socket dies it resumes on `fallback()` with since. */
class Subscriber {
  readonly received: string[] = [];
  /** Error codes of the subscription (GraphQL errors of its operations). */
  readonly errors: string[] = [];
  socket: OpenSocket | null = null;

  constructor(
    private readonly token: string,
    private readonly fallback: () => string,
  ) {}

  async open(url: string, query = SUBSCRIPTION): Promise<void> {
    this.socket = await openGraphqlWsSubscriber(`${url.replace(/^http/, "ws")}/graphql`, {
      token: this.token,
      query,
      variables: { room: ROOM, since: this.received.at(-1) ?? null },
      onFrame: (raw) => this.onFrame(raw),
    });
    this.socket.ws.once("close", () => void this.resume());
  }

  /** Starts a roomEvents subscription on the open socket (id 2). */
  subscribeAgain() {
    this.socket!.ws.send(
      JSON.stringify({ id: "2", type: "subscribe", payload: { query: SUBSCRIPTION, variables: { room: ROOM } } }),
    );
  }

  close() {
    this.socket?.close();
  }

  private onFrame(raw: Buffer) {
    const message = JSON.parse(String(raw)) as { type: string; payload?: any };
    if (message.type === "error") this.errors.push(message.payload?.[0]?.extensions?.code ?? "error");
    if (message.type !== "next") return;
    if (message.payload?.errors) this.errors.push(message.payload.errors[0]?.extensions?.code ?? "error");
    const event = message.payload?.data?.roomEvents;
    if (event?.__typename === "MessagePosted") this.received.push(event.message.id);
  }

  private async resume() {
    while (!closing) {
      await sleep(200);
      try {
        return await this.open(this.fallback());
      } catch {
        // refused (e.g. while Redis is away): try again
      }
    }
  }
}

let closing = false;

async function main() {
  const cwd = rev ? checkout(rev) : process.cwd();
  const label = rev ? `${rev} (${git("rev-parse", "--short", rev)})` : `working tree (${git("rev-parse", "--short", "HEAD")})`;
  const redis = await startOwnedRedis();
  const servers: RunningServer[] = [];
  try {
    const users = await prepareDatabase(SENDERS + 2 * SUBSCRIBERS_PER_INSTANCE + 1);
    const tokens = await Promise.all(users.map(tokenFor));
    const cluster = `mt-probe:${process.pid}:`;
    const env = {
      DATABASE_URL: dbUrl,
      REDIS_URL: redis.url,
      ROOMS_REDIS_PREFIX: `${cluster}rooms:`,
      RATE_LIMIT_REDIS_PREFIX: `${cluster}ratelimit:`,
      LOG_LEVEL: "fatal",
    };
    const start = (name: string) => startOurs({ cwd, env, name });
    let a = await start("A");
    const b = await start("B");
    servers.push(a, b);

    const subscribers: Subscriber[] = [];
    for (let i = 0; i < 2 * SUBSCRIBERS_PER_INSTANCE; i++) {
      const subscriber = new Subscriber(tokens[SENDERS + i]!, () => b.url);
      await subscriber.open(i % 2 ? b.url : a.url);
      subscribers.push(subscriber);
    }
    // A socket open before the outage that starts a new subscription during it.
    const lateSubscriber = new Subscriber(tokens[users.length - 1]!, () => b.url);
    await lateSubscriber.open(b.url, "{ __typename }");
    await sleep(1000);

    // Senders: one message per SEND_EVERY_MS each; a failed call is retried on the other instance.
    const receipted = new Set<string>();
    const calls: { at: number; ms: number }[] = [];
    let failedAttempts = 0;
    let sending = true;
    const urls = () => [a.url, b.url];
    async function sendOnce(url: string, token: string, text: string, clientMessageId: string) {
      const started = Date.now();
      const response = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: SEND, variables: { input: { room: ROOM, text, clientMessageId } } }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await response.json()) as { data?: { sendMessage: { messageId: string } } };
      if (!body.data?.sendMessage) throw new Error(JSON.stringify(body));
      calls.push({ at: started, ms: Date.now() - started });
      return body.data.sendMessage.messageId;
    }
    /** Sends until it gets a receipt, first on instance `first` (0: A, 1: B), then alternating. */
    async function sendWithRetry(sender: number, text: string, first: number) {
      const clientMessageId = randomUUID();
      for (let attempt = first; ; attempt++) {
        try {
          return receipted.add(await sendOnce(urls()[attempt % 2]!, tokens[sender]!, text, clientMessageId));
        } catch {
          failedAttempts += 1;
          await sleep(200);
        }
      }
    }
    const senders = Array.from({ length: SENDERS }, async (_, i) => {
      await sleep((i * SEND_EVERY_MS) / SENDERS);
      for (let n = 0; sending; n++) {
        await sendWithRetry(i, `sender ${i} #${n}`, i);
        await sleep(SEND_EVERY_MS);
      }
    });

    await sleep(3000);
    console.log(`[probe] ${KILL_BURST} sends to instance A, SIGKILL after ${KILL_AFTER_MS} ms`);
    const burst = Array.from({ length: KILL_BURST }, (_, k) => sendWithRetry(k % SENDERS, `burst #${k}`, 0));
    await sleep(KILL_AFTER_MS);
    process.kill(a.pid, "SIGKILL");
    a = await start("A2");
    servers.push(a);
    await sleep(2000);

    console.log(`[probe] SIGKILL Redis for ${REDIS_OUTAGE_MS / 1000} s, then start it again empty`);
    const outageStart = Date.now();
    await redis.stop("SIGKILL");
    await sleep(1000);
    lateSubscriber.subscribeAgain();
    await sleep(REDIS_OUTAGE_MS - 1000);
    await redis.start();
    const outageEnd = Date.now();
    await sleep(3000);
    sending = false;
    await Promise.all([...senders, ...burst]);
    console.log(`[probe] sending stopped; waiting ${SETTLE_MS / 1000} s for deliveries to settle`);
    await sleep(SETTLE_MS);
    closing = true;
    lateSubscriber.close();

    const stored = await storedMessages();
    let delivered = 0;
    let missing = 0;
    let doubled = 0;
    let outOfOrder = 0;
    for (const subscriber of subscribers) {
      const seen = new Set<string>();
      let highest = -1;
      for (const id of subscriber.received) {
        delivered += 1;
        if (seen.has(id)) doubled += 1;
        seen.add(id);
        const position = stored.get(id) ?? -1;
        if (position < highest) outOfOrder += 1;
        highest = Math.max(highest, position);
      }
      for (const id of stored.keys()) if (!seen.has(id)) missing += 1;
      subscriber.close();
    }
    const during = calls.filter((call) => call.at >= outageStart && call.at < outageEnd).map((call) => call.ms);
    const notStored = [...receipted].filter((id) => !stored.has(id)).length;
    const rows: [string, string | number][] = [
      ["checkout", label],
      ["subscribers", `${subscribers.length} (half on A, resumed on B with since after A's SIGKILL)`],
      ["messages receipted", receipted.size],
      ["messages stored", stored.size],
      ["receipted but not stored", notStored],
      ["deliveries expected", stored.size * subscribers.length],
      ["delivered", delivered],
      ["missing", missing],
      ["doubled", doubled],
      ["out of order", outOfOrder],
      ["sendMessage attempts failed (retried)", failedAttempts],
      [
        "sendMessage during the Redis outage",
        `${during.length} calls, p50 ${percentile(during, 50)} ms, p99 ${percentile(during, 99)} ms, max ${Math.max(0, ...during)} ms`,
      ],
      ["new subscription during the outage", lateSubscriber.errors[0] ?? "no error"],
    ];
    console.log(rows.map(([name, value]) => `${name.padEnd(40)} ${value}`).join("\n"));
  } finally {
    closing = true;
    await Promise.all(servers.map((server) => server.stop().catch(() => undefined)));
    await redis.destroy();
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    if (rev) removeCheckout(cwd);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error("[probe:delivery] failed:", error);
    process.exit(1);
  },
);
