// One way in: an Authorization header and a graphql-ws connection param become the same viewer,
// and a bad one is refused with the same error on both. Domain errors know nothing of GraphQL.
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { AppError } from "../src/errors.js";
import { ApiError } from "../src/graphql/apiError.js";
import { createIdentity } from "../src/identity/credentials.js";
import type { Viewer } from "../src/identity/viewer.js";

const viewer: Viewer = { id: "u1", role: "USER", tokenExpiresAt: new Date(Date.now() + 60_000), sessionId: "s1" };
const identity = createIdentity(async (token) => {
  if (token === "good") return viewer;
  throw new AppError("TOKEN_EXPIRED", "Access token expired");
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: AppError) => ({ code: error.code, message: error.message }),
  );

describe("identity", () => {
  it("reads the same token from a header and from connection params", async () => {
    expect(await identity.viewerFromAuthorization("Bearer good")).toBe(viewer);
    expect(await identity.viewerFromConnectionParams({ authorization: "Bearer good" })).toBe(viewer);
    expect(await identity.viewerFromConnectionParams({ Authorization: "bearer  good " })).toBe(viewer);
  });

  it("takes no credentials as anonymous on both", async () => {
    expect(await identity.viewerFromAuthorization(null)).toBeNull();
    expect(await identity.viewerFromAuthorization("  ")).toBeNull();
    expect(await identity.viewerFromConnectionParams(undefined)).toBeNull();
    expect(await identity.viewerFromConnectionParams({ authorization: null })).toBeNull();
  });

  it("refuses a bad token the same way on both", async () => {
    for (const authorization of ["Bearer expired", "Basic abc", "Bearer a b"]) {
      expect(await refusal(identity.viewerFromConnectionParams({ authorization }))).toEqual(
        await refusal(identity.viewerFromAuthorization(authorization)),
      );
    }
    expect(await refusal(identity.viewerFromAuthorization("Bearer expired"))).toEqual({
      code: "TOKEN_EXPIRED",
      message: "Access token expired",
    });
    expect((await refusal(identity.viewerFromAuthorization("Basic abc")))?.code).toBe("INVALID_TOKEN");
  });

  it("refuses a connection param that is not a string rather than taking it as anonymous", async () => {
    expect((await refusal(identity.viewerFromConnectionParams({ authorization: 42 })))?.code).toBe("INVALID_TOKEN");
  });
});

describe("domain errors", () => {
  it("are plain errors, mapped to GraphQL errors at the API edge with the same code and extensions", () => {
    const domain = new AppError("RATE_LIMITED", "Too many calls", { retryAfter: 3 });
    expect(domain).not.toBeInstanceOf(GraphQLError);
    const api = ApiError.from(domain, { http: { status: 429 } });
    expect(api).toBeInstanceOf(GraphQLError);
    expect(api.message).toBe("Too many calls");
    expect(api.extensions).toEqual({ retryAfter: 3, code: "RATE_LIMITED", http: { status: 429 } });
  });
});
