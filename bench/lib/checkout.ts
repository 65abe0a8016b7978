// Another revision of this repository to run side by side with the working tree (bench:compare,
// probes): a temporary git worktree sharing this checkout's node_modules.
import { execFileSync } from "node:child_process";
import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const git = (...args: string[]) => execFileSync("git", args, { encoding: "utf8" }).trim();

/** A worktree of `revision` using this checkout's node_modules, with its own generated Prisma client. */
export function checkout(revision: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "mt-compare-")), "tree");
  git("worktree", "add", "--detach", dir, revision);
  symlinkSync(resolve("node_modules"), join(dir, "node_modules"));
  execFileSync(process.execPath, ["scripts/prisma-generate.mjs"], { cwd: dir, stdio: "ignore" });
  return dir;
}

/** Removes a worktree made by checkout(). */
export const removeCheckout = (dir: string) => git("worktree", "remove", "--force", dir);
