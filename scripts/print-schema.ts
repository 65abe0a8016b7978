// Writes schema.graphql from the code (`npm run schema:print`), or with --check fails when the
// committed file differs from what the code builds (`npm run schema:check`).
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { printableSchema } from "../src/schema/index.js";

const target = fileURLToPath(new URL("../schema.graphql", import.meta.url));
const printed = `${printSchemaWithDirectives(printableSchema).trim()}\n`;

if (process.argv.includes("--check")) {
  let committed = "";
  try {
    committed = readFileSync(target, "utf8");
  } catch {
    // a missing file is simply stale
  }
  if (committed !== printed) {
    console.error("schema.graphql is out of date: run `npm run schema:print` and commit the result.");
    process.exit(1);
  }
  console.log("schema.graphql is up to date.");
} else {
  writeFileSync(target, printed);
  console.log(`wrote ${target}`);
}
