// The README and .env.example against the code they describe: every setting src/config reads is
// documented in both, and statements about behaviour match the code (the client address).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { envSchema } from "../src/config/env.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const envExample = readFileSync(new URL("../.env.example", import.meta.url), "utf8");

/** The text of one `## ` section of the README. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start, `README section "${title}"`).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe("documentation", () => {
  const variables = Object.keys(envSchema.shape);

  it.each(variables)("%s is in the README's configuration table and in .env.example", (name) => {
    expect(section("Configuration")).toContain(`\`${name}\``);
    expect(envExample).toMatch(new RegExp(`^#? ?${name}=`, "m"));
  });

  it("says which X-Forwarded-For entry is the client address: the last, as clientIpOf reads it", () => {
    const rateLimits = section("Rate limits").replace(/\s+/g, " ");
    expect(rateLimits).not.toMatch(/first `X-Forwarded-For`/);
    expect(rateLimits).toMatch(/last `X-Forwarded-For`/);
  });
});
