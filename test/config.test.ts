import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config/index.js";
import { root, spawnServer } from "./helpers/process.js";

const run = promisify(execFile);

const tempDir = () => mkdtempSync(join(tmpdir(), "mt-config-"));

describe("configuration", () => {
  it("applies the documented defaults", () => {
    const { config } = loadConfig({ DATA_DIR: tempDir() });
    expect(config.port).toBe(4000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.auth.accessTokenTtlSeconds).toBe(15 * 60);
    expect(config.auth.refreshTokenTtlSeconds).toBe(7 * 24 * 3600);
  });

  it("outside production generates a JWT secret once, stores it with mode 0600 and reuses it", () => {
    const dir = tempDir();
    const first = loadConfig({ DATA_DIR: dir });
    expect(first.warnings.join("\n")).toMatch(/JWT_SECRET is not set/);
    const file = join(dir, "jwt-secret");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8").trim()).toBe(first.config.auth.accessSecret);
    const second = loadConfig({ DATA_DIR: dir });
    expect(second.warnings).toEqual([]);
    expect(second.config.auth.accessSecret).toBe(first.config.auth.accessSecret);
    expect(second.config.auth.refreshSecret).not.toBe(second.config.auth.accessSecret);
  });

  it("in production refuses a missing or short JWT_SECRET, naming it and how to make one", () => {
    expect(() => loadConfig({ NODE_ENV: "production", DATA_DIR: tempDir() })).toThrowError(
      /JWT_SECRET is required in production.*openssl rand -base64 32/,
    );
    expect(() => loadConfig({ NODE_ENV: "production", JWT_SECRET: "short", DATA_DIR: tempDir() })).toThrowError(ConfigError);
    expect(() => loadConfig({ NODE_ENV: "production", JWT_SECRET: "x".repeat(32), DATA_DIR: tempDir() })).not.toThrow();
  });

  it("rejects malformed values with the variable's name", () => {
    expect(() => loadConfig({ PORT: "eighty", DATA_DIR: tempDir() })).toThrowError(/PORT/);
    expect(() => loadConfig({ ACCESS_TOKEN_TTL: "soon", DATA_DIR: tempDir() })).toThrowError(/ACCESS_TOKEN_TTL/);
  });

  it("reads failed-login limits as <max>/<window> and refuses anything else, naming the variable", () => {
    const { config } = loadConfig({ LOGIN_FAILURE_LIMIT_PER_ACCOUNT: "50/1h", DATA_DIR: tempDir() });
    expect(config.rateLimit.loginFailuresPerAccount).toEqual({ max: 50, windowMs: 3_600_000 });
    expect(config.rateLimit.loginFailuresPerAccountIp).toEqual({ max: 5, windowMs: 900_000 });
    for (const bad of ["50", "0/15m", "5/soon", "5/15m/2", "/15m"]) {
      expect(() => loadConfig({ LOGIN_FAILURE_LIMIT_PER_ACCOUNT_IP: bad, DATA_DIR: tempDir() })).toThrowError(
        /LOGIN_FAILURE_LIMIT_PER_ACCOUNT_IP: expected <max>\/<window>/,
      );
    }
  });

  it("has HTTP connection timeouts by default and refuses a headers timeout past the request timeout", () => {
    expect(loadConfig({ DATA_DIR: tempDir() }).config.http).toMatchObject({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
    });
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: "40000", DATA_DIR: tempDir() })).toThrowError(
      /HTTP_HEADERS_TIMEOUT_MS must not be greater than HTTP_REQUEST_TIMEOUT_MS/,
    );
  });

  it("npm start in production without JWT_SECRET exits 1 with one clear line", async () => {
    const server = spawnServer({ NODE_ENV: "production", DATA_DIR: tempDir(), PORT: "0" });
    expect(await server.exited).toBe(1);
    const lines = server.output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/JWT_SECRET.*openssl rand -base64 32/);
  });
});

describe(".env in the working directory", () => {
  it("is loaded at start; a variable in the real environment wins over it", async () => {
    const cwd = tempDir();
    const data = tempDir();
    writeFileSync(join(cwd, ".env"), `PORT=0\nHOST=127.0.0.1\nDATA_DIR=${data}\nNODE_ENV=production\nLOG_FORMAT=json\n`);
    // From the file alone: production without JWT_SECRET is refused (the file's NODE_ENV was read).
    const fromFile = spawnServer({}, { cwd });
    expect(await fromFile.exited).toBe(1);
    expect(fromFile.output()).toMatch(/JWT_SECRET is required in production/);

    // The real environment wins: NODE_ENV=test from the environment, PORT and the rest from the file.
    writeFileSync(
      join(cwd, ".env"),
      `PORT=${await freePort()}\nHOST=127.0.0.1\nDATA_DIR=${data}\nNODE_ENV=production\nLOG_FORMAT=json\n`,
    );
    const port = await freePort();
    const server = spawnServer({ NODE_ENV: "test", PORT: String(port) }, { cwd });
    try {
      await server.waitFor(new RegExp(`ready at http://127\\.0\\.0\\.1:${port}/graphql`), 110_000);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  }, 120_000);

  it("is honoured by the seed script", async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, ".env"), `NODE_ENV=production\nJWT_SECRET=${"x".repeat(32)}\nDATA_DIR=${tempDir()}\n`);
    const seed = await run(join(root, "node_modules/.bin/tsx"), [join(root, "scripts/seed.ts")], {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" },
    }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(seed?.code).toBe(1);
    expect(seed?.stderr).toMatch(/db:seed refuses to run with NODE_ENV=production/);
  }, 60_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
