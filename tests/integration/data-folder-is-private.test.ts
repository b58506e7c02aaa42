import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataPaths } from '../../src-main/node-host/data-dir.ts';
import { openNodeHost } from '../../src-main/node-host/node-host.ts';

const modeOf = (path: string): number => statSync(path).mode & 0o777;

let root = '';
afterEach(() => {
  if (root !== '') rmSync(root, { recursive: true, force: true });
  root = '';
});

describe('the data folder is private to its operator', () => {
  it('is made 0700 with the database and logs 0600, also where they existed wider', async () => {
    root = mkdtempSync(join(tmpdir(), 'private-data-'));
    const dataDir = join(root, 'Recording Uploader');
    const paths = dataPaths(dataDir);
    // As an older version, a copy or a loose umask left them: readable by everyone.
    mkdirSync(paths.logs, { recursive: true });
    chmodSync(dataDir, 0o755);
    chmodSync(paths.logs, 0o755);
    writeFileSync(join(paths.logs, 'uploader.log.1'), '{"msg":"old"}\n', { mode: 0o644 });
    const first = openNodeHost(dataDir);
    first.services.logger.info('a line');
    await first.close();
    chmodSync(paths.database, 0o644);

    const host = openNodeHost(dataDir);
    host.services.logger.info('another line');
    await host.close();

    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(paths.logs)).toBe(0o700);
    expect(modeOf(paths.database)).toBe(0o600);
    expect(modeOf(join(paths.logs, 'uploader.log'))).toBe(0o600);
    expect(modeOf(join(paths.logs, 'uploader.log.1'))).toBe(0o600);
  });

  it('is made so from the start in a new folder', async () => {
    root = mkdtempSync(join(tmpdir(), 'private-data-'));
    const dataDir = join(root, 'fresh');
    const host = openNodeHost(dataDir);
    host.services.logger.info('first line');
    await host.close();
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(dataPaths(dataDir).logs)).toBe(0o700);
    expect(modeOf(dataPaths(dataDir).database)).toBe(0o600);
  });
});
