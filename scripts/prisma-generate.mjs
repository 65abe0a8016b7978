// Runs `prisma generate` offline. Generation never uses Prisma's native schema engine, but the
// CLI insists on finding one and would try to download it; a placeholder executable satisfies it.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const placeholderDir = join(tmpdir(), "mundo-tango-prisma");
const placeholder = join(placeholderDir, "schema-engine-placeholder");
if (!existsSync(placeholder)) {
  mkdirSync(placeholderDir, { recursive: true });
  writeFileSync(
    placeholder,
    "#!/bin/sh\necho 'schema engine not available: migrations run through src/db/migrate.ts' >&2\nexit 1\n",
  );
  chmodSync(placeholder, 0o755);
}

const result = spawnSync("npx", ["--no-install", "prisma", "generate"], {
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? placeholder,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
process.exit(result.status ?? 1);
