// One process at a time opens an embedded (PGlite) data directory: PGlite is a single-process
// database, and a second opener (a seed beside a running server, a second `npm start`) would write
// the same files unseen by the first and corrupt them.
//
// The lock is a file beside the database holding the owner's pid, host and process start time,
// created whole or not at all (written to a temporary file, then hard-linked into place, which
// fails if the lock exists). A lock whose owner is gone (no such pid on this host, or the pid now
// belongs to a process started later) is taken over. proper-lockfile was the library candidate;
// it does not record the owner (the error could not name it) and detects a dead owner only by
// an mtime it must keep refreshing on a timer.
import { hostname } from "node:os";
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const LOCK_FILE = "pglite.lock";

interface Owner {
  pid: number;
  host: string;
  /** Linux: the process's start time in clock ticks after boot (/proc/<pid>/stat), telling a reused pid apart. */
  started?: string;
  command?: string;
}

export class DataDirInUseError extends Error {
  constructor(dataDir: string, owner: Owner | undefined, lockFile: string) {
    const where = !owner || owner.host === hostname() ? "" : ` on host ${owner.host}`;
    const what = owner?.command ? ` (${owner.command})` : "";
    super(
      `The embedded database in ${dataDir} is in use by ${owner ? `process ${owner.pid}` : "another process"}${where}${what}; stop it first` +
        ` (PGlite allows one process per data directory). If that process is gone, delete ${lockFile}.`,
    );
    this.name = "DataDirInUseError";
  }
}

function startTimeOf(pid: number): string | undefined {
  try {
    // Field 22; the command name (field 2) may hold spaces, so count from the closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** Lock files this process holds. */
const held = new Set<string>();

function isAlive(owner: Owner, lockFile: string): boolean {
  if (owner.host !== hostname()) return true; // cannot be checked from here: assume it runs
  // Ours unless we never took it: then a previous holder had our pid (a restarted container).
  if (owner.pid === process.pid) return held.has(lockFile);
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const started = startTimeOf(owner.pid);
  return !owner.started || !started || started === owner.started;
}

function readOwner(lockFile: string): Owner | undefined {
  try {
    const owner = JSON.parse(readFileSync(lockFile, "utf8")) as Owner;
    return Number.isInteger(owner.pid) && typeof owner.host === "string" ? owner : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the data directory's lock or throws DataDirInUseError; the returned function releases it. */
export function lockDataDir(dataDir: string): () => void {
  const lockFile = join(dataDir, LOCK_FILE);
  const me: Owner = {
    pid: process.pid,
    host: hostname(),
    started: startTimeOf(process.pid),
    command: process.argv.slice(1, 3).join(" "),
  };
  const temporary = `${lockFile}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(me));
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(temporary, lockFile);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const owner = readOwner(lockFile);
      // Unreadable: not a lock this code wrote whole; taken over like a dead owner's.
      if ((owner && isAlive(owner, lockFile)) || attempt === 2) throw new DataDirInUseError(resolve(dataDir), owner, lockFile);
      takeOver(lockFile, owner);
    }
  } finally {
    unlinkSync(temporary);
  }
  held.add(lockFile);
  return () => {
    if (!held.delete(lockFile)) return;
    if (readOwner(lockFile)?.pid === process.pid) unlinkSync(lockFile);
  };
}

/**
 * Moves a dead owner's lock aside. Renaming is atomic, so of several processes taking over at once
 * one gets the stale file; another may instead move a lock just taken anew, which it puts back.
 */
function takeOver(lockFile: string, dead: Owner | undefined) {
  const aside = `${lockFile}.${process.pid}.stale`;
  try {
    renameSync(lockFile, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const moved = readOwner(aside);
  if (moved && (moved.pid !== dead?.pid || moved.started !== dead?.started)) {
    try {
      linkSync(aside, lockFile);
    } catch {
      // Someone else holds it now; the next attempt reports them.
    }
  }
  unlinkSync(aside);
}
