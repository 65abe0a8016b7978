// Compiles src/ to dist/ (`npm run build`): file by file (no bundling), ES modules for the oldest
// Node CI runs, with source maps so stack traces name the TypeScript lines. Production runs the
// compiled files rather than tsx: tsx compiles with esbuild's keepNames, which gives every named
// closure its own property store (about 256 bytes per closure, measured in heap snapshots) and a
// defineProperty call each time one is created. Type checking is `npm run typecheck`'s job.
//
// `--if-stale` (npm's prestart) builds only when dist/ is missing or a file under src/ is newer
// than the last build, so a built tree starts without compiling and without esbuild installed
// (a production install after `npm prune --omit=dev`); a fresh clone still builds on first start.
//
// Only files whose output changed are written, each through a temporary file and a rename, so a
// build never disturbs a server starting from dist/ at the same moment (tests, several instances).
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
/** Written after each successful build, dated when that build started (a file saved during it counts as newer). */
const stamp = `${root}dist/.build-stamp`;
const sources = readdirSync(`${root}src`, { recursive: true })
  .filter((file) => file.endsWith(".ts"))
  .map((file) => `${root}src/${file}`);

const builtAt = () => {
  try {
    return statSync(stamp).mtimeMs;
  } catch {
    return -Infinity;
  }
};

if (process.argv.includes("--if-stale")) {
  const since = builtAt();
  if (sources.every((file) => statSync(file).mtimeMs <= since)) process.exit(0);
}

let build;
try {
  ({ build } = await import("esbuild"));
} catch {
  console.error(
    "dist/ is missing or older than src/, and esbuild (a dev dependency) is not installed: run `npm run build` where dev dependencies are.",
  );
  process.exit(1);
}

const startedAt = new Date();
const { outputFiles } = await build({
  entryPoints: sources.filter((file) => !file.endsWith(".d.ts")),
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
const writeAtomically = (path, contents) => {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
};
for (const { path, contents } of outputFiles) {
  if (!unchanged(path, contents)) writeAtomically(path, contents);
}
writeAtomically(stamp, `${startedAt.toISOString()}\n`);
utimesSync(stamp, startedAt, startedAt);
