import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreSupervisor } from '../../src-main/desktop/supervisor/core-supervisor.ts';
import { RestartBackoff } from '../../src-main/desktop/supervisor/restart-backoff.ts';
import type { Snapshot } from '../../src-shared/bridge-contract.ts';
import { forkCore } from '../support/forked-core.ts';

let dir: string | undefined;
let supervisor: CoreSupervisor | undefined;

afterEach(async () => {
  await supervisor?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  supervisor = undefined;
  dir = undefined;
});

/** The desktop app's core process, a real child, under the supervisor the tray talks to. */
async function runningCore(dataDir: string): Promise<CoreSupervisor> {
  const started = new CoreSupervisor({
    spawn: () => forkCore(dataDir),
    onEvent: () => {},
    onOpenBrowser: () => {},
    backoff: new RestartBackoff({ initialMs: 100, maxMs: 400 }),
  });
  started.start();
  await expect.poll(() => started.status.state, { timeout: 20_000 }).toBe('running');
  await started.request({ id: 1, method: 'updateSettings', params: { maxConcurrentUploads: 3 } });
  return started;
}

describe("the tray's Save support files, carried out by the desktop core process", () => {
  it('writes the status, a copy of the database with its ledger check and the logs into a new private folder', async () => {
    dir = mkdtempSync(join(tmpdir(), 'support-core-'));
    const downloads = join(dir, 'Downloads');
    mkdirSync(downloads);
    supervisor = await runningCore(join(dir, 'data'));

    const result = await supervisor.supportFiles(downloads);

    if ('error' in result) throw new Error(`expected support files, got: ${result.error}`);
    expect(readdirSync(downloads)).toEqual([result.folder.slice(downloads.length + 1)]);
    expect(result.files).toEqual(expect.arrayContaining(['status.json', 'uploader.db', 'ledger-check.json']));
    expect(readdirSync(result.folder)).toEqual(
      expect.arrayContaining(['status.json', 'uploader.db', 'logs']),
    );
    const status = JSON.parse(readFileSync(join(result.folder, 'status.json'), 'utf8')) as {
      headline: string;
      snapshot: Snapshot;
    };
    expect(status.headline).not.toBe('');
    expect(status.snapshot.settings.maxConcurrentUploads).toBe(3);
    expect(JSON.parse(readFileSync(join(result.folder, 'ledger-check.json'), 'utf8'))).toMatchObject({
      holds: true,
    });
    expect(statSync(result.folder).mode & 0o777).toBe(0o700);
  });

  it('answers why when the folder cannot be written, and the core goes on', async () => {
    dir = mkdtempSync(join(tmpdir(), 'support-core-'));
    supervisor = await runningCore(join(dir, 'data'));
    const missing = join(dir, 'no-downloads');

    const result = await supervisor.supportFiles(missing);

    expect(result).toEqual({ error: expect.stringContaining(missing) });
    expect(supervisor.status.state).toBe('running');
    const answer = await supervisor.request({ id: 2, method: 'getSnapshot', params: {} });
    expect('result' in answer).toBe(true);
  });
});
