// `npm run bench:compare -- <git-rev>`: ours at <git-rev> against ours as checked out, side by side
// on the same data, with rounds interleaved (A, B, A, B, ...) so that a change in the machine's
// background load hits both alike. Prints medians for http-read (req/s, p50, p99, the server's
// CPU time per request), fanout (deliveries/s, publish→last delivery p50, p99) and messages
// (messages/s, the server's CPU time per message) and connections (heap and RSS per idle
// subscribed socket, a fresh server of each checkout per round); writes nothing.
// BENCH_COMPARE_ROUNDS sets the number of rounds (default 5; fanout, messages and connections run
// at most 3); BENCH_ONLY=messages,fanout picks scenarios. The other checkout is a temporary git
// worktree sharing node_modules, removed at the end.
import { checkout, git, removeCheckout } from "./lib/checkout.js";
import { createBenchDatabase, dropBenchDatabase } from "./lib/db.js";
import { SenderPool } from "./lib/ours.js";
import { cpuMs, type RunningServer } from "./lib/proc.js";
import { deleteRedisKeys, startOurs } from "./lib/servers.js";
import { SCALE } from "./lib/scale.js";
import { medianOf } from "./lib/stats.js";
import { tokenFor } from "./lib/tokens.js";
import { connectionsRound, ourSockets } from "./scenarios/connections.js";
import { oursFanout } from "./scenarios/fanout.js";
import { load } from "./scenarios/httpRead.js";
import { measureMessages, oursMessages } from "./scenarios/messages.js";

const rev = process.argv[2];
if (!rev) {
  console.error("usage: npm run bench:compare -- <git-rev>");
  process.exit(2);
}
const rounds = Number(process.env.BENCH_COMPARE_ROUNDS ?? 5);
const only = new Set((process.env.BENCH_ONLY ?? "").split(",").filter(Boolean));
const wanted = (id: string) => only.size === 0 || only.has(id);

/** One http-read round, with the server's CPU time per request. */
async function httpRound(server: RunningServer) {
  const before = cpuMs(server.pid);
  const result = await load(`${server.url}/graphql`, 5);
  return { ...result, cpuMsPerRequest: (cpuMs(server.pid) - before) / (result.reqPerSec * 5) };
}

const table = (title: string, columns: string[], rows: [string, number[]][]) =>
  [
    `${title}`,
    "",
    `| checkout | ${columns.join(" | ")} |`,
    `|---|${columns.map(() => "---:").join("|")}|`,
    ...rows.map(([name, values]) => `| ${name} | ${values.map((v) => (v < 10 ? v.toFixed(2) : v.toFixed(1))).join(" | ")} |`),
  ].join("\n");

async function main() {
  const base = checkout(rev!);
  const label = {
    base: `${rev} (${git("rev-parse", "--short", rev!)})`,
    head: `working tree (${git("rev-parse", "--short", "HEAD")})`,
  };
  const seeded = await createBenchDatabase();
  const servers: [string, RunningServer][] = [];
  try {
    servers.push([label.base, await startOurs({ cwd: base, name: "base" })], [label.head, await startOurs({ name: "head" })]);
    const results: string[] = [];
    const med = (m: Map<string, Record<string, number>[]>, keys: string[]) =>
      [...m].map(([name, r]) => [name, keys.map((k) => medianOf(r)[k]!)] as [string, number[]]);
    /** `count` interleaved rounds: round i of every server before round i + 1 of any. */
    const interleaved = async (count: number, run: (name: string, server: RunningServer) => Promise<Record<string, number>>) => {
      const byServer = new Map<string, Record<string, number>[]>(servers.map(([name]) => [name, []]));
      for (let i = 0; i < count; i++) for (const [name, server] of servers) byServer.get(name)!.push(await run(name, server));
      return byServer;
    };
    const senders = await SenderPool.of(seeded.members.slice(500));

    if (wanted("http-read")) {
      for (const [, server] of servers) await load(`${server.url}/graphql`, 8);
      const http = await interleaved(rounds, (_name, server) => httpRound(server));
      const columns = ["req/s", "p50 ms", "p99 ms", "server CPU ms/request"];
      results.push(
        table(
          `http-read, medians of ${rounds} interleaved rounds of 5 s`,
          columns,
          med(http, ["reqPerSec", "p50Ms", "p99Ms", "cpuMsPerRequest"]),
        ),
      );
    }
    const runs = Math.min(rounds, 3);
    if (wanted("fanout")) {
      const fanout = await interleaved(
        runs,
        async (name, server) => (await oursFanout(name, server, server, seeded, senders)).median,
      );
      results.push(
        table(
          `fanout, medians of ${runs} interleaved runs`,
          ["deliveries/s", "p50 ms", "p99 ms"],
          med(fanout, ["deliveriesPerSec", "p50Ms", "p99Ms"]),
        ),
      );
    }
    if (wanted("messages")) {
      const side = oursMessages(seeded, senders);
      const messages = await interleaved(runs, async (name, server) => (await measureMessages(name, server, side)).median);
      results.push(
        table(
          `messages, medians of ${runs} interleaved runs`,
          ["messages/s", "server CPU ms/message"],
          med(messages, ["msgsPerSec", "cpuMsPerMessage"]),
        ),
      );
    }
    if (wanted("connections")) {
      const adminToken = await tokenFor(seeded.admin);
      const sides = new Map([
        [label.base, ourSockets(seeded, adminToken, base)],
        [label.head, ourSockets(seeded, adminToken)],
      ]);
      const byCheckout = new Map<string, Record<string, number>[]>([...sides.keys()].map((name) => [name, []]));
      for (let i = 0; i < runs; i++) for (const [name, side] of sides) byCheckout.get(name)!.push(await connectionsRound(side));
      const title = `connections, ${SCALE.connections.toLocaleString("en-US")} sockets, medians of ${runs} interleaved rounds (a fresh server each)`;
      results.push(table(title, ["heap KiB/socket", "RSS KiB/socket"], med(byCheckout, ["heapKiBPerSocket", "rssKiBPerSocket"])));
    }
    console.log(results.join("\n\n"));
  } finally {
    await Promise.all(servers.map(([, s]) => s.stop()));
    await dropBenchDatabase();
    await deleteRedisKeys();
    removeCheckout(base);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error("[bench:compare] failed:", error);
    process.exit(1);
  },
);
