import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src-main/core/host-services.ts';
import { openDatabaseToRead } from '../../src-main/core/store/database.ts';
import { SqliteJobStore, toJobView } from '../../src-main/core/store/job-store.ts';
import type { StatusReport } from '../../src-main/headless/commands/status-command.ts';
import { HeadlessFixture, KiB } from '../support/headless-fixture.ts';

let fixture: HeadlessFixture | undefined;

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/** Every file under `dir` whose bytes contain `text`. */
function filesContaining(dir: string, text: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((entry) => {
    const path = join(dir, entry);
    return statSync(path).isFile() && readFileSync(path).includes(text);
  });
}

const modeOf = (path: string): number => statSync(path).mode & 0o777;

describe('support-files', () => {
  it('writes the status, a consistent copy of the database with its ledger check, the logs and the policy into a new private folder, beside a running uploader, with no credential in it', async () => {
    fixture = await HeadlessFixture.start({
      policy: { settings: { maxRetries: 4 }, locked: ['maxRetries'] },
    });
    const f = fixture;
    f.writeRecording('for-support.mp4', 300 * KiB);
    const child = f.run();
    await f.waitForJob('for-support.mp4', ['done']);
    const out = join(f.root, 'support');
    mkdirSync(out);

    const written = await f.cli(['support-files', '--out', out]);

    expect(written.code).toBe(0);
    const [name, ...others] = readdirSync(out);
    expect(others).toEqual([]);
    expect(name).toMatch(/^recording-uploader-support-\d{8}T\d{6}Z$/);
    const folder = join(out, name ?? '');
    expect(written.stdout).toContain(`Support files written to ${folder}:\n`);
    expect(readdirSync(folder).sort()).toEqual([
      'ledger-check.json',
      'logs',
      'policy.json',
      'status.json',
      'uploader.db',
    ]);
    expect(written.stdout).toContain('  - logs/uploader.log\n');

    const status = JSON.parse(readFileSync(join(folder, 'status.json'), 'utf8')) as StatusReport;
    expect(status.running).toBe(true);
    expect(status.policy).toMatchObject({ state: 'in-force', locked: ['maxRetries'] });
    expect(status.jobs.find((j) => j.fileName === 'for-support.mp4')?.state).toBe('done');

    // The copy was taken while the uploader ran: its last writes are in it, and it opens on its own.
    const copy = openDatabaseToRead(join(folder, 'uploader.db'));
    try {
      const jobs = new SqliteJobStore(copy, systemClock).list('all', 0, 100).map(toJobView);
      expect(jobs.map((j) => [j.fileName, j.state])).toEqual([['for-support.mp4', 'done']]);
    } finally {
      copy.close();
    }
    expect(JSON.parse(readFileSync(join(folder, 'ledger-check.json'), 'utf8'))).toMatchObject({
      holds: true,
    });
    expect(readFileSync(join(folder, 'logs', 'uploader.log'), 'utf8')).toContain('for-support.mp4');
    expect(readFileSync(join(folder, 'policy.json'), 'utf8')).toBe(readFileSync(f.policyFile, 'utf8'));

    expect(filesContaining(folder, f.peer.token)).toEqual([]);
    expect(modeOf(folder)).toBe(0o700);
    for (const file of [
      'status.json',
      'uploader.db',
      'ledger-check.json',
      'policy.json',
      'logs/uploader.log',
    ])
      expect([file, modeOf(join(folder, file))]).toEqual([file, 0o600]);
    expect((await child.stop('SIGTERM')).code).toBe(0);
  });

  it('names a --out that is not a folder, with exit status 2, and writes nothing', async () => {
    fixture = await HeadlessFixture.start();
    const missing = join(fixture.root, 'no-such-folder');
    const outcome = await fixture.cli(['support-files', '--out', missing]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(`support-files: ${missing} is not a folder`);
  });
});
