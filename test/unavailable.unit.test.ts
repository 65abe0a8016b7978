// Which errors mean "the database is not there right now" (SERVICE_UNAVAILABLE, retry later):
// besides Prisma's, the ones pg raises for statements sent to it directly (db.sql).
import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "../src/db/unavailable.js";

const socketError = (code: string) =>
  Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, syscall: "connect", errno: -111 });
// The shape of pg's DatabaseError: a SQLSTATE code and a severity.
const pgError = (code: string) =>
  Object.assign(new Error("terminating connection due to administrator command"), { code, severity: "FATAL" });

describe("isDatabaseUnavailable", () => {
  it("recognises pg's socket errors and connection-ending SQLSTATEs", () => {
    for (const code of ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND"])
      expect(isDatabaseUnavailable(socketError(code)), code).toBe(true);
    for (const code of ["57P01", "57P02", "57P03", "08006"]) expect(isDatabaseUnavailable(pgError(code)), code).toBe(true);
  });

  it("recognises a refusal from every address of a host (AggregateError)", () => {
    const refused = Object.assign(new AggregateError([socketError("ECONNREFUSED"), socketError("ECONNREFUSED")]), {
      code: "ECONNREFUSED",
    });
    expect(isDatabaseUnavailable(refused)).toBe(true);
  });

  it("leaves other database errors to be masked as internal", () => {
    expect(isDatabaseUnavailable(pgError("23505"))).toBe(false); // unique violation
    expect(isDatabaseUnavailable(pgError("42P01"))).toBe(false); // undefined table
    expect(isDatabaseUnavailable(new Error("ECONNREFUSED"))).toBe(false);
  });
});
