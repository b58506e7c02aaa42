import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { folderToOpen } from '../../src-main/desktop/tray/folder-to-open.ts';

let root = '';
afterEach(() => {
  if (root !== '') rmSync(root, { recursive: true, force: true });
  root = '';
});

describe('the tray opens the recordings folder only if it is a folder', () => {
  it('opens an existing directory, and refuses a file, a link to a file, a missing or relative path', async () => {
    root = mkdtempSync(join(tmpdir(), 'tray-folder-'));
    const folder = join(root, 'recordings');
    mkdirSync(folder);
    const program = join(root, 'payload.exe');
    writeFileSync(program, 'MZ');
    const link = join(root, 'looks-like-a-folder');
    symlinkSync(program, link);
    const linkedFolder = join(root, 'linked-folder');
    symlinkSync(folder, linkedFolder);

    expect(await folderToOpen(folder)).toBe(folder);
    expect(await folderToOpen(linkedFolder)).toBe(linkedFolder);
    expect(await folderToOpen(program)).toBeNull();
    expect(await folderToOpen(link)).toBeNull();
    expect(await folderToOpen(join(root, 'missing'))).toBeNull();
    expect(await folderToOpen('recordings')).toBeNull();
    expect(await folderToOpen('')).toBeNull();
    expect(await folderToOpen(undefined)).toBeNull();
  });
});
