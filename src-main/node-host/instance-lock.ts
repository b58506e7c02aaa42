import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface InstanceLock {
  release(): void;
}

/** Locks this process holds: a second uploader in the same process is refused like one elsewhere. */
const heldHere = new Set<string>();

/**
 * One uploader per data folder: two would upload every recording twice and fight over the
 * database. The lock is a file created exclusively ('wx') that holds the owner's pid, so a lock
 * left by a crashed process is recognised (its pid is gone) and taken over.
 */
export function acquireInstanceLock(lockPath: string): InstanceLock {
  const pid = process.pid;
  const key = resolve(lockPath);
  if (heldHere.has(key)) throw alreadyRunning(lockPath, pid);
  mkdirSync(dirname(lockPath), { recursive: true });
  // Two attempts: the second follows the removal of a stale lock. If another process took the
  // lock in between, the second attempt sees its live pid and reports it.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(lockPath, pid)) {
      heldHere.add(key);
      return {
        release: () => {
          heldHere.delete(key);
          releaseIfOurs(lockPath, pid);
        },
      };
    }
    const holder = readHolder(lockPath);
    // Our own pid in a lock we do not hold is a previous life of that pid: in a container the
    // uploader comes back after a kill with the same pid (often 1), and must not wait for itself.
    if (holder !== null && holder !== pid && isAlive(holder)) throw alreadyRunning(lockPath, holder);
    removeStale(lockPath);
  }
  throw new Error(
    `cannot take the instance lock ${lockPath}: it keeps reappearing; is another uploader starting?`,
  );
}

/** The pid of the live uploader holding the lock, or null when none does (a reader's question). */
export function lockHolder(lockPath: string): number | null {
  const holder = readHolder(lockPath);
  return holder !== null && isAlive(holder) ? holder : null;
}

function alreadyRunning(lockPath: string, holder: number): Error {
  return new Error(
    `another uploader is already running on this data folder (pid ${holder}): ${dirname(lockPath)}`,
  );
}

function tryCreate(lockPath: string, pid: number): boolean {
  try {
    writeFileSync(lockPath, `${pid}\n`, { flag: 'wx', mode: 0o644 });
    return true;
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return false;
    throw new Error(`cannot create the instance lock ${lockPath}: ${messageOf(error)}`, { cause: error });
  }
}

/** The pid in the lock, or null when the file is empty, garbled or unreadable (then it is stale). */
function readHolder(lockPath: string): number | null {
  try {
    const text = readFileSync(lockPath, 'utf8').trim();
    return /^[1-9]\d*$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user; it still holds the folder.
    return codeOf(error) === 'EPERM';
  }
}

function removeStale(lockPath: string): void {
  try {
    rmSync(lockPath, { force: true });
  } catch (error) {
    throw new Error(`cannot remove the stale instance lock ${lockPath}: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

function releaseIfOurs(lockPath: string, pid: number): void {
  if (readHolder(lockPath) === pid) rmSync(lockPath, { force: true });
}

const codeOf = (error: unknown): unknown =>
  error instanceof Error && 'code' in error ? error.code : undefined;
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
