// Which real services this machine offers the tests. Where PostgreSQL is absent the tests run
// on embedded PGlite; where Redis is absent the tests that need it are skipped, saying so.
// CI sets REQUIRE_SERVICES=1: then a missing service is an error, never a silent skip.
import net from "node:net";

export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const required = process.env.REQUIRE_SERVICES === "1";

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || defaultPort) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

export const hasPostgres = await reachable(PG_ADMIN_URL, 5432);
export const hasRedis = await reachable(REDIS_URL, 6379);

for (const [name, ok] of [
  ["PostgreSQL", hasPostgres],
  ["Redis", hasRedis],
] as const) {
  if (ok) continue;
  if (required) throw new Error(`${name} is required (REQUIRE_SERVICES=1) but is not reachable`);
  console.warn(
    name === "PostgreSQL"
      ? "PostgreSQL is not reachable: tests run on embedded PGlite and PostgreSQL-only tests are skipped."
      : "Redis is not reachable: tests that need Redis are skipped.",
  );
}
