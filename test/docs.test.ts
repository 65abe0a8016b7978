// The docs and .env.example against the code they describe: every setting src/config reads is in
// the configuration table (docs/operations.md) and in .env.example, and statements about behaviour
// match the code (the client address, docs/auth.md).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { envSchema } from "../src/config/env.js";

const doc = (name: string) => readFileSync(new URL(`../docs/${name}`, import.meta.url), "utf8");
const envExample = readFileSync(new URL("../.env.example", import.meta.url), "utf8");

/** The text of one `## ` section of a doc. */
function section(name: string, title: string): string {
  const text = doc(name);
  const start = text.indexOf(`\n## ${title}\n`);
  expect(start, `section "${title}" of docs/${name}`).toBeGreaterThanOrEqual(0);
  const end = text.indexOf("\n## ", start + 1);
  return text.slice(start, end === -1 ? undefined : end);
}

describe("documentation", () => {
  const variables = Object.keys(envSchema.shape);

  it.each(variables)("%s is in the configuration table and in .env.example", (name) => {
    expect(section("operations.md", "Configuration")).toContain(`\`${name}\``);
    expect(envExample).toMatch(new RegExp(`^#? ?${name}=`, "m"));
  });

  it("says which X-Forwarded-For entry is the client address: the last, as clientIpOf reads it", () => {
    const rateLimits = section("auth.md", "Rate limits").replace(/\s+/g, " ");
    expect(rateLimits).not.toMatch(/first `X-Forwarded-For`/);
    expect(rateLimits).toMatch(/last `X-Forwarded-For`/);
  });
});
