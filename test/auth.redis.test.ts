// Two instances sharing PostgreSQL and Redis: a revocation on one reaches the other over pub/sub.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { AccessRevokedEvent } from "../src/services/auth/index.js";
import { startTestServer, type TestServer } from "./helpers/server.js";
import { hasPostgres, hasRedis, REDIS_URL } from "./helpers/services.js";
import { createUser, type TestUser } from "./helpers/users.js";

const ME = "{ me { id } }";

describe.skipIf(!hasRedis || !hasPostgres)("access revocation across instances (Redis)", () => {
  let a: TestServer;
  let b: TestServer;
  let admin: TestUser;
  beforeAll(async () => {
    a = await startTestServer({ env: { REDIS_URL } });
    b = await startTestServer({ db: a.db, env: { REDIS_URL } });
    admin = await createUser(a, { role: "ADMIN" });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  /** Events for `userId` heard on `server` from now on. */
  function listen(server: TestServer, userId: string) {
    const events: AccessRevokedEvent[] = [];
    const stop = server.app.services.auth.onAccessRevoked((event) => {
      if (event.userId === userId) events.push(event);
    });
    return { events, stop };
  }

  it("deactivation on one instance is announced on the other, which then refuses the user's tokens", async () => {
    const user = await createUser(a);
    expect((await b.gql(ME, {}, { token: user.accessToken })).data.me.id).toBe(user.id); // cached as valid on b
    const heard = listen(b, user.rawId);
    try {
      await a.gql(
        "mutation ($id: ID!) { setUserActive(id: $id, isActive: false) { id } }",
        { id: user.id },
        { token: admin.accessToken },
      );
      await vi.waitFor(() => expect(heard.events).toEqual([{ userId: user.rawId }]), { timeout: 5000 });
      const refused = await b.gql(ME, {}, { token: user.accessToken });
      expect(refused.errors?.[0]).toMatchObject({ message: "account disabled", extensions: { code: "FORBIDDEN" } });
    } finally {
      heard.stop();
    }
  });

  it("family revocation by refresh-token reuse on one instance is announced with its session on the other", async () => {
    const user = await createUser(a);
    const heard = listen(b, user.rawId);
    try {
      const REFRESH = "mutation ($t: String!) { refresh(refreshToken: $t) { accessToken } }";
      const rotated = await b.gql(REFRESH, { t: user.refreshToken });
      expect((await b.gql(ME, {}, { token: rotated.data.refresh.accessToken })).data.me.id).toBe(user.id);
      await a.gql(REFRESH, { t: user.refreshToken }); // the reuse
      const sid = JSON.parse(Buffer.from(user.accessToken.split(".")[1]!, "base64url").toString()).sid;
      await vi.waitFor(() => expect(heard.events).toEqual([{ userId: user.rawId, sessionId: sid }]), { timeout: 5000 });
      const refused = await b.gql(ME, {}, { token: rotated.data.refresh.accessToken });
      expect(refused.errors?.[0].extensions.code).toBe("INVALID_TOKEN");
    } finally {
      heard.stop();
    }
  });
});
