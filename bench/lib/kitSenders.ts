// Senders that go through the client kit (@mundo-tango/client), as an app would: one kit client
// (a session and its realtime socket) per seeded user, each posting with realtime.sendMessage
// (clientMessageId, outbox, the socket). Sends rotate over the users, like SenderPool's over
// HTTP, so no user comes near sendMessage's production limit (20 per 10 s).
import { createRealtime, createSession, memoryStorage, tokenTimes, type Realtime } from "@mundo-tango/client";
import WebSocket from "ws";
import type { BenchUser } from "./db.js";
import { tokenFor } from "./tokens.js";

/** A signed-in kit client for a seeded user, with its socket connected. */
async function openKitClient(url: string, user: BenchUser): Promise<Realtime> {
  const accessToken = await tokenFor(user);
  const expiresAt = new Date(tokenTimes(accessToken)!.expiresAt).toISOString();
  const storage = memoryStorage();
  // The harness signs access tokens for seeded sessions (login is rate limited); they outlive
  // the scenario, so the kit never refreshes and the refresh token is never read.
  await storage.setItem(
    "mundo-tango:session",
    JSON.stringify({
      accessToken,
      accessTokenExpiresAt: expiresAt,
      refreshToken: "",
      refreshTokenExpiresAt: expiresAt,
      user: { id: user.id, displayName: user.id, email: null, role: user.role },
    }),
  );
  const session = createSession({ url, storage });
  await session.ready;
  const realtime = createRealtime({ session, webSocketImpl: WebSocket, lazy: false });
  await new Promise<void>((resolve, reject) => {
    const stop = realtime.on("status", (status) => {
      if (status === "connected") resolve();
      else if (status === "failed") reject(new Error(`kit socket for ${user.id} refused`));
      else return;
      stop();
    });
  });
  return realtime;
}

export class KitSenderPool {
  private next = 0;
  private constructor(private readonly clients: Realtime[]) {}

  /** Connects one kit client per user, `concurrency` at a time. */
  static async open(url: string, users: BenchUser[], concurrency = 50): Promise<KitSenderPool> {
    const clients: Realtime[] = [];
    let index = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (index < users.length) clients.push(await openKitClient(url, users[index++]!));
      }),
    );
    return new KitSenderPool(clients);
  }

  async send(room: string, text: string): Promise<void> {
    await this.clients[this.next++ % this.clients.length]!.sendMessage(room, text);
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.dispose()));
  }
}
