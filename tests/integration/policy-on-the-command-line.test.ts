import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsStore } from '../../src-main/core/store/settings-store.ts';
import type { StatusReport } from '../../src-main/headless/commands/status-command.ts';
import { HeadlessFixture, sleep } from '../support/headless-fixture.ts';

const POLICY = {
  settings: { maxRetries: 5 },
  locked: ['maxRetries', 'deleteAfterUpload'],
};

let fixture: HeadlessFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('the machine policy on the command line', () => {
  it('--settings may not change a locked setting: exit 2, naming the setting and the policy', async () => {
    const f = await HeadlessFixture.start({ settings: { maxRetries: 9 }, policy: POLICY });
    fixture = f;
    const outcome = await f.run().exited;
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(
      `"maxRetries" is managed by your organization: locked by the policy ${f.policyFile}`,
    );
    // The locked value itself is no change.
    f.writeSettings({ maxRetries: 5, settleSeconds: 1 });
    expect((await f.cli(['status', '--settings', f.settingsFile])).code).toBe(0);
  });

  it('import-wats-config skips a locked setting with a warning line, imports the rest, and status shows the policy', async () => {
    const f = await HeadlessFixture.start({ policy: POLICY });
    fixture = f;
    const config = join(f.root, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        recording: { output_dir: f.folder },
        api: { base_url: f.peer.baseUrl, api_token: f.peer.token, max_retries: 7, max_concurrent_uploads: 3 },
      }),
    );
    const imported = await f.cli(['import-wats-config', config]);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toBe(
      `Warning: skipped "maxRetries" from ${config}: managed by your organization (locked by the policy ${f.policyFile})\n`,
    );
    const db = new BetterSqlite3(join(f.dataDir, 'uploader.db'));
    try {
      const saved = new SettingsStore(db).load();
      expect(saved.maxConcurrentUploads).toBe(3);
      expect(saved.maxRetries).toBe(3);
    } finally {
      db.close();
    }
    const status = await f.cli(['status']);
    expect(status.stdout).toContain(
      `Policy: ${f.policyFile} in force — locked: maxRetries, deleteAfterUpload; destinations: storage-api, onedrive, gdrive\n`,
    );
  });

  it('a pause the policy holds is the organization’s in status, as in the header and the tray', async () => {
    const f = await HeadlessFixture.start({
      policy: { settings: { uploadsPaused: true }, locked: ['uploadsPaused'] },
    });
    fixture = f;
    const status = await f.cli(['status', '--settings', f.settingsFile]);
    expect(status.stdout.split('\n')[0]).toMatch(/^Paused by your organization( \(|$)/);
    const json = await f.cli(['status', '--json', '--settings', f.settingsFile]);
    const report = JSON.parse(json.stdout) as StatusReport;
    expect(report.health.headline).toEqual({ kind: 'paused', until: null, waiting: 0, managed: true });
  });

  it('a policy that does not validate stops uploads, and says so naming the file and the key', async () => {
    const f = await HeadlessFixture.start({ policy: { settings: { maxRetries: 'five' } } });
    fixture = f;
    const child = f.run();
    const problem = `the policy ${f.policyFile} is not valid: key "settings.maxRetries"`;
    const said = await child.waitForOutput(/uploads are stopped until the policy is fixed: .*\n/);
    expect(said).toContain(problem);
    f.writeRecording('held-by-policy.mp4', 200_000);
    await f.waitForJob('held-by-policy.mp4', ['queued']);
    // Queued and left there: the engine would have claimed it at once.
    await sleep(1500);
    expect(f.jobs().find((j) => j.fileName === 'held-by-policy.mp4')?.state).toBe('queued');
    expect(f.peer.requests.filter((r) => r.kind === 'create')).toEqual([]);
    const status = await f.cli(['status']);
    expect(status.stdout).toContain(`Policy: ${problem}`);
    // The headline — status's first line, the header's, the tray's — says so before anything else.
    const first = status.stdout.split('\n')[0] ?? '';
    expect(first).toMatch(/^Uploads are stopped until the policy is fixed: /);
    expect(first).toContain(problem);
    const report = JSON.parse((await f.cli(['status', '--json'])).stdout) as StatusReport;
    expect(report.health.headline).toMatchObject({ kind: 'policy-stopped' });
    expect(report.headline).toBe(first);

    // Not even JSON: never ignored either.
    f.writePolicy('{ "settings": ');
    const broken = await f.cli(['status']);
    expect(broken.stdout).toContain(`Policy: the policy ${f.policyFile} is not valid JSON`);
  });
});
