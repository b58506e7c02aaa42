import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('node:fs/promises', async (original) => {
  const actual = await original<typeof import('node:fs/promises')>();
  return { ...actual, readdir: vi.fn(actual.readdir) };
});

const { findSidecar, findSidecars } = await import('../../src-main/core/watcher/sidecar.ts');
const readdir = vi.mocked(fsPromises.readdir);

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  readdir.mockClear();
});

/** A folder of videos without sidecars named after them, last changed a minute ago. */
function folderOf(videos: number): string {
  const root = mkdtempSync(join(tmpdir(), 'sidecar-listing-'));
  roots.push(root);
  const folder = join(root, 'recordings');
  mkdirSync(folder);
  for (let n = 1; n <= videos; n += 1) writeFileSync(join(folder, `session_${n}.mp4`), 'video');
  const then = new Date(Date.now() - 60_000);
  utimesSync(folder, then, then);
  return folder;
}

describe('pairing sidecars by their content', () => {
  it('lists a folder once for all its recordings while the folder does not change', async () => {
    const folder = folderOf(50);
    for (let n = 1; n <= 50; n += 1) {
      expect(await findSidecar(join(folder, `session_${n}.mp4`))).toBeNull();
    }
    expect(readdir).toHaveBeenCalledTimes(1);
  });

  it('sees a sidecar written after the folder was listed', async () => {
    const folder = folderOf(2);
    expect(await findSidecar(join(folder, 'session_1.mp4'))).toBeNull();
    writeFileSync(join(folder, 'meta-17.json'), JSON.stringify({ video_file: 'session_2.mp4' }));
    expect(await findSidecar(join(folder, 'session_2.mp4'))).toBe(join(folder, 'meta-17.json'));
  });

  it('does not keep the listing of a folder that changed just now', async () => {
    const folder = folderOf(2);
    const now = new Date();
    utimesSync(folder, now, now);
    await findSidecar(join(folder, 'session_1.mp4'));
    await findSidecar(join(folder, 'session_2.mp4'));
    expect(readdir).toHaveBeenCalledTimes(2);
  });

  it('lists a folder once for batches of recordings settled together, and again once it changed', async () => {
    const folder = folderOf(40);
    const batch = (from: number) => Array.from({ length: 20 }, (_, n) => `session_${from + n}.mp4`);
    expect(await findSidecars(folder, batch(1))).toEqual(Array(20).fill(null));
    expect(await findSidecars(folder, batch(21))).toEqual(Array(20).fill(null));
    expect(readdir).toHaveBeenCalledTimes(1);

    writeFileSync(join(folder, 'session_40_metadata.json'), '{}');
    expect((await findSidecars(folder, batch(21)))[19]).toBe(join(folder, 'session_40_metadata.json'));
    expect(readdir).toHaveBeenCalledTimes(2);
  });
});
