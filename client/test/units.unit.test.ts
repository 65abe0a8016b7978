// The kit's pure parts: reading a JWT's times without verifying it, the close-code table, the
// classification of what a graphql-ws sink reports, and the backoff bounds.
import { describe, expect, it, vi } from "vitest";
import { backoffDelay } from "../src/backoff.js";
import { classifyFailure, closeRule } from "../src/closeCodes.js";
import { KitError } from "../src/errors.js";
import { tokenTimes } from "../src/jwt.js";

const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.signature`;

describe("tokenTimes", () => {
  it("reads exp and iat (seconds) as milliseconds, unverified", () => {
    expect(tokenTimes(jwt({ exp: 1_700_000_003, iat: 1_700_000_000, name: "Ñandú" }))).toEqual({
      expiresAt: 1_700_000_003_000,
      issuedAt: 1_700_000_000_000,
    });
  });
  it("is null for what is not a JWT with a numeric exp", () => {
    expect(tokenTimes("opaque")).toBeNull();
    expect(tokenTimes("a.%%%.c")).toBeNull();
    expect(tokenTimes(jwt({ exp: "soon" }))).toBeNull();
  });
});

describe("the close-code table", () => {
  it("refreshes on 4403, retries network, restart and try-again-later codes, reports protocol errors", () => {
    expect(closeRule(4403).action).toBe("refresh");
    for (const code of [1001, 1006, 1011, 1012, 1013, 4408, 4499]) expect(closeRule(code).action, String(code)).toBe("retry");
    for (const code of [4429, 4400, 4401, 4409, 4500]) expect(closeRule(code).action, String(code)).toBe("fatal");
    expect(closeRule(4999).action).toBe("fatal");
    expect(closeRule(1015).action).toBe("retry");
  });

  it("classifies what a graphql-ws sink reports", () => {
    expect(classifyFailure({ code: 1011, reason: "Try again later" })).toMatchObject({
      action: "retry",
      error: { code: "NETWORK_ERROR" },
    });
    expect(classifyFailure({ code: 4429, reason: "Too many connections" })).toMatchObject({
      action: "fatal",
      error: { code: "SOCKET_CLOSED", details: { closeCode: 4429, closeReason: "Too many connections" } },
    });
    expect(classifyFailure([{ message: "Room not found", extensions: { code: "NOT_FOUND" } }])).toMatchObject({
      action: "fatal",
      error: { code: "NOT_FOUND" },
    });
    expect(classifyFailure([{ message: "Slow down", extensions: { code: "RATE_LIMITED" } }])).toMatchObject({ action: "retry" });
    expect(classifyFailure(new Error("ECONNRESET"))).toMatchObject({ action: "retry", error: { code: "NETWORK_ERROR" } });
    expect(classifyFailure(new KitError("SIGNED_OUT", "Signed out")).action).toBe("fatal");
  });
});

describe("backoffDelay", () => {
  it("is a random delay up to an exponential bound (full jitter), capped", () => {
    vi.spyOn(Math, "random").mockReturnValue(0.999_999);
    expect([0, 1, 2, 3, 10].map((attempt) => backoffDelay(attempt, { baseMs: 100, maxMs: 1_000 }))).toEqual([
      100, 200, 400, 800, 1_000,
    ]);
    vi.spyOn(Math, "random").mockReturnValue(0);
    expect(backoffDelay(5, { baseMs: 100, maxMs: 1_000 })).toBe(0);
    vi.restoreAllMocks();
  });
});
