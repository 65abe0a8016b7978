// Every server the scenarios compare, started the same way (own process, pinned to the server core).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { benchDatabaseUrl, REDIS_URL } from "./db.js";
import { startServer, type RunningServer } from "./proc.js";
import { JWT_SECRET } from "./tokens.js";

let nextPort = 4700;
let nextCluster = 0;

/** Redis keys of this run start with this; run.ts deletes them at the end. */
export const REDIS_PREFIX = `mt-bench:${process.pid}:`;

/**
 * A fresh Redis namespace for each group of instances that should see each other: state left by
 * an instance stopped mid-scenario (presence, socket counts) never leaks into the next scenario.
 */
/** Removes every key the servers of this run wrote (their prefixes all start with REDIS_PREFIX). */
export async function deleteRedisKeys() {
  const redis = new Redis(REDIS_URL);
  try {
    for await (const keys of redis.scanStream({ match: `${REDIS_PREFIX}*`, count: 500 })) {
      if ((keys as string[]).length) await redis.del(...(keys as string[]));
    }
  } finally {
    redis.disconnect();
  }
}

export const newCluster = () => `${REDIS_PREFIX}${nextCluster++}:`;

/**
 * How the checkout at `cwd` runs in production, as `npm start` does: compiled to dist/ when it has
 * scripts/build.mjs, src/main.ts through tsx in revisions from before it (for bench:compare).
 */
function productionEntry(cwd: string): { script: string; nodeArgs: string[] } {
  if (!existsSync(join(cwd, "scripts/build.mjs"))) return { script: "src/main.ts", nodeArgs: [] };
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd, stdio: "inherit" });
  return { script: "dist/main.js", nodeArgs: ["--enable-source-maps"] };
}

/** Ours with production settings: auth, rate limits, masking, metrics on, logs at warn. */
export function startOurs(
  opts: { cluster?: string; env?: Record<string, string>; cwd?: string; name?: string } = {},
): Promise<RunningServer> {
  const cluster = opts.cluster ?? newCluster();
  return startServer({
    name: opts.name ?? "ours",
    ...productionEntry(opts.cwd ?? process.cwd()),
    cwd: opts.cwd,
    port: nextPort++,
    env: {
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      JWT_SECRET,
      LOG_LEVEL: "warn",
      METRICS_TOKEN: randomBytes(24).toString("base64url"),
      DATABASE_URL: benchDatabaseUrl(),
      REDIS_URL,
      ROOMS_REDIS_PREFIX: `${cluster}rooms:`,
      RATE_LIMIT_REDIS_PREFIX: `${cluster}ratelimit:`,
      ...opts.env,
    },
  });
}

export type PeerName = "yogaPg" | "apollo" | "mercuriusJit" | "wsRaw" | "graphqlWsStock";

export function startPeer(name: PeerName): Promise<RunningServer> {
  return startServer({
    name,
    script: `bench/peers/${name}.ts`,
    port: nextPort++,
    env: { DATABASE_URL: benchDatabaseUrl(), NODE_ENV: "production" },
    readyPath: "/",
  });
}
