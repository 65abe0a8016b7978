// Compiles src/ to dist/ for `npm start`: file by file (no bundling), ES modules for Node 20, with
// source maps so stack traces name the TypeScript lines. Production runs the compiled files rather
// than tsx: tsx compiles with esbuild's keepNames, which gives every named closure its own
// property store (about 256 bytes per closure, measured in heap snapshots) and a defineProperty
// call each time one is created. Type checking is `npm run typecheck`'s job, not this one's.
//
// Only files whose output changed are written, each through a temporary file and a rename, so a
// build never disturbs a server starting from dist/ at the same moment (tests, several instances).
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const entryPoints = readdirSync(`${root}src`, { recursive: true })
  .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
  .map((file) => `${root}src/${file}`);

const { outputFiles } = await build({
  entryPoints,
  outdir: `${root}dist`,
  outbase: `${root}src`,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  logLevel: "warning",
  write: false,
});

const unchanged = (path, contents) => {
  try {
    return readFileSync(path).equals(contents);
  } catch {
    return false;
  }
};
for (const { path, contents } of outputFiles) {
  if (unchanged(path, contents)) continue;
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}
