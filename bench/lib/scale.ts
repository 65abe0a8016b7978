// Sizes of every scenario in one place. The defaults are the sizes (1,000 subscribers ×
// 200 messages, 10,000 sockets: about 5 minutes for a whole run here on a quiet machine); a busy
// or slower machine can scale them down, e.g. BENCH_SUBSCRIBERS=250 BENCH_MESSAGES=50
// BENCH_CONNECTIONS=2000. BENCH_QUICK=1 shrinks everything for a smoke run of the harness itself.
const quick = process.env.BENCH_QUICK === "1";
const sized = (name: string, normal: number, small: number) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : quick ? small : normal;
};

const fanoutMessages = sized("BENCH_MESSAGES", 200, 20);

// Warm-ups are long enough for V8 to have optimized each server's hot path: measured in rounds of
// 200, ours kept getting faster over its first ~3,000 sendMessage calls (from about 5 to 2 ms of
// CPU each; raw ws + pg from 0.8 to 0.4), so the former 40-message warm-up measured cold servers.
export const SCALE = {
  rounds: quick ? 1 : 3,
  httpConnections: 32,
  httpWarmupSec: quick ? 1 : 3,
  httpRoundSec: quick ? 2 : 5,
  fanoutSubscribers: sized("BENCH_SUBSCRIBERS", 1000, 100),
  fanoutMessages,
  fanoutWarmupMessages: quick ? 5 : fanoutMessages,
  connections: sized("BENCH_CONNECTIONS", 10_000, 500),
  messageSubscribers: 10,
  messagesPerRound: quick ? 100 : 200,
  messageWarmup: quick ? 20 : 3000,
  messageConcurrency: 8,
  /** messages-ws: kit clients (one user and socket each) the sends rotate over; 1,500 users stay under 20 sends per 10 s each up to 3,000 messages/s. */
  kitSenders: quick ? 200 : 1500,
} as const;

/** The target sizes, printed next to the sizes used. */
export const TARGET = { fanoutSubscribers: 1000, fanoutMessages: 200, connections: 10_000 } as const;
