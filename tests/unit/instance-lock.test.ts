import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireInstanceLock } from '../../src-main/node-host/instance-lock.ts';

const lockModule = pathToFileURL(join(import.meta.dirname, '../../src-main/node-host/instance-lock.ts')).href;

/** A pid that belonged to a process which has since exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

describe('instance lock', () => {
  let dataDir: string;
  let lockPath: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'instance-lock-'));
    lockPath = join(dataDir, 'uploader.lock');
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('holds our pid while held and is gone after release', async () => {
    const lock = acquireInstanceLock(lockPath);
    expect((await readFile(lockPath, 'utf8')).trim()).toBe(String(process.pid));
    lock.release();
    expect(existsSync(lockPath)).toBe(false);
    expect(() => lock.release()).not.toThrow();
  });

  it('refuses while a live process holds the folder, naming its pid and the folder', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    await once(other, 'spawn');
    try {
      await writeFile(lockPath, `${other.pid}\n`);
      expect(() => acquireInstanceLock(lockPath)).toThrow(
        `another uploader is already running on this data folder (pid ${other.pid}): ${dataDir}`,
      );
      expect((await readFile(lockPath, 'utf8')).trim()).toBe(String(other.pid));
    } finally {
      other.kill();
    }
  });

  it('takes over a lock naming its own pid, which a process restarted in a container gets again', async () => {
    await writeFile(lockPath, `${process.pid}\n`);
    const lock = acquireInstanceLock(lockPath);
    expect((await readFile(lockPath, 'utf8')).trim()).toBe(String(process.pid));
    lock.release();
    expect(existsSync(lockPath)).toBe(false);
  });

  it('refuses a second uploader in the same process until the first releases the lock', async () => {
    const lock = acquireInstanceLock(lockPath);
    expect(() => acquireInstanceLock(join(dataDir, '.', 'uploader.lock'))).toThrow(
      `another uploader is already running on this data folder (pid ${process.pid}): ${dataDir}`,
    );
    expect((await readFile(lockPath, 'utf8')).trim()).toBe(String(process.pid));
    lock.release();
    acquireInstanceLock(lockPath).release();
  });

  it('refuses a second uploader process while the first holds the lock', async () => {
    const lock = acquireInstanceLock(lockPath);
    const script = `
      const { acquireInstanceLock } = await import(${JSON.stringify(lockModule)});
      try { acquireInstanceLock(${JSON.stringify(lockPath)}); console.log('acquired'); }
      catch (error) { console.log(error.message); }
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.stdout.trim()).toBe(
      `another uploader is already running on this data folder (pid ${process.pid}): ${dataDir}`,
    );
    lock.release();
  });

  it('takes over a lock whose process is gone', async () => {
    const stale = deadPid();
    expect(() => process.kill(stale, 0)).toThrow();
    await writeFile(lockPath, `${stale}\n`);
    const lock = acquireInstanceLock(lockPath);
    expect((await readFile(lockPath, 'utf8')).trim()).toBe(String(process.pid));
    lock.release();
  });

  it('takes over an empty or garbled lock file', async () => {
    for (const content of ['', 'not a pid', '-5', '0']) {
      await writeFile(lockPath, content);
      const lock = acquireInstanceLock(lockPath);
      expect((await readFile(lockPath, 'utf8')).trim()).toBe(String(process.pid));
      lock.release();
    }
  });

  it('leaves a lock alone on release once another process owns it', async () => {
    const lock = acquireInstanceLock(lockPath);
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    await once(other, 'spawn');
    try {
      await writeFile(lockPath, `${other.pid}\n`);
      lock.release();
      expect((await readFile(lockPath, 'utf8')).trim()).toBe(String(other.pid));
      expect(() => acquireInstanceLock(lockPath)).toThrow(`(pid ${other.pid})`);
    } finally {
      other.kill();
    }
  });

  it('creates the data folder when it does not exist yet', async () => {
    const nested = join(dataDir, 'fresh', 'uploader.lock');
    const lock = acquireInstanceLock(nested);
    expect(existsSync(nested)).toBe(true);
    lock.release();
  });
});
