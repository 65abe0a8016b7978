// The kit as a test app uses it: a session and a realtime client against a test server, each
// "device" with an address of its own (X-Forwarded-For, the server runs with TRUST_PROXY), so
// the per-IP limits of login and refresh do not make tests depend on one another.
import { randomInt } from "node:crypto";
import { afterAll, afterEach, beforeAll, expect, vi } from "vitest";
import WebSocket from "ws";
import {
  createRealtime,
  createSession,
  type Realtime,
  type RealtimeOptions,
  type Session,
  type SessionOptions,
} from "../../src/index.js";
import type { RoomEvent } from "../../src/roomEvents.js";
import { startTestServer, type TestServer } from "../../../test/helpers/server.js";

export interface Device {
  session: Session;
  realtime: Realtime;
  /** Every HTTP request the kit made: operation name and whether it carried Authorization. */
  requests: { operation: string; authorized: boolean }[];
  dispose(): Promise<void>;
}

export interface DeviceOptions {
  /** HTTP GraphQL URL. */
  url: string;
  wsUrl?: string | string[];
  session?: Partial<SessionOptions>;
  realtime?: Partial<RealtimeOptions>;
}

export const randomIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

export function device({ url, wsUrl, session: sessionOptions, realtime: realtimeOptions }: DeviceOptions): Device {
  const ip = randomIp();
  const requests: Device["requests"] = [];
  const session = createSession({
    url,
    headers: () => ({ "x-forwarded-for": ip }),
    fetch: async (input, init) => {
      const body = JSON.parse(String(init?.body ?? "{}")) as { query?: string };
      const operation = /(?:mutation|query)\s+(\w+)/.exec(body.query ?? "")?.[1] ?? "?";
      requests.push({ operation, authorized: Boolean((init?.headers as Record<string, string>)?.authorization) });
      return fetch(input, init);
    },
    ...sessionOptions,
  });
  const realtime = createRealtime({
    session,
    url: wsUrl,
    webSocketImpl: WebSocket,
    backoff: { baseMs: 100, maxMs: 1_000 },
    ...realtimeOptions,
  });
  return {
    session,
    realtime,
    requests,
    async dispose() {
      await realtime.dispose();
      session.dispose();
    },
  };
}

/** Collects a room stream's events; `texts()` lists the messages delivered, in order. */
export function collect(realtime: Realtime, room: string, options: { since?: string | null } = {}) {
  const events: RoomEvent[] = [];
  const errors: Error[] = [];
  const stream = realtime.roomEvents(
    room,
    { next: (event) => events.push(event), error: (error) => errors.push(error) },
    options,
  );
  return {
    stream,
    events,
    errors,
    /** Resolves once the subscription runs on the server: the reader's own MemberJoined came back. */
    live: () =>
      vi.waitFor(() => expect(events.map((e) => e.__typename)).toContain("MemberJoined"), { timeout: 15_000, interval: 50 }),
    texts: () => events.flatMap((event) => (event.__typename === "MessagePosted" ? [event.message.text] : [])),
  };
}

/**
 * A test server (trusting X-Forwarded-For) for the tests of one describe block, and the devices
 * they open, disposed after each test.
 */
export function kitTestServer(env: Record<string, string> = {}) {
  let server: TestServer | undefined;
  const devices: Device[] = [];
  beforeAll(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: "true", ...env } });
  });
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.dispose()));
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get server(): TestServer {
      return server!;
    },
    /** A device on this server (or `url`, e.g. a proxy in front of it), disposed after the test. */
    device(options: Partial<DeviceOptions> = {}): Device {
      const d = device({ url: server!.url, ...options });
      devices.push(d);
      return d;
    },
  };
}

export const loginAs = (d: Device, user: { email: string; password: string }) =>
  d.session.login({ email: user.email, password: user.password });
export const refreshesOf = (...devices: Device[]) => devices.flatMap((d) => d.requests.filter((r) => r.operation === "Refresh"));
