import { afterEach, describe, expect, it } from 'vitest';
import { JOB_STATES } from '../../src-shared/job.ts';
import { HeadlessFixture, MiB } from '../support/headless-fixture.ts';

let fixture: HeadlessFixture | undefined;

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const JOB_FIELDS = [
  'attempts',
  'completedAt',
  'confirmedBytes',
  'createdAt',
  'destination',
  'fileName',
  'id',
  'lastError',
  'nextAttemptAt',
  'path',
  'reconciledAt',
  'reconciledState',
  'remoteId',
  'remoteUrl',
  'sidecarWarning',
  'sizeBytes',
  'state',
  'updatedAt',
  'warning',
];

describe('headless status', () => {
  it('prints an empty queue for a new data folder, as a line and as JSON', async () => {
    fixture = await HeadlessFixture.start();
    const human = await fixture.cli(['status']);
    expect(human.code).toBe(0);
    expect(human.stdout).toBe(
      'Set-up needed: choose the recordings folder (the uploader is not running)\n' +
        'Folder: none chosen — nothing is watched\n' +
        'Destination: the storage API, not set up — no storage API URL is set\n' +
        'Queue: 0 waiting (0 queued, 0 to retry, 0 paused, 0 need sign-in), 0 uploading, 0 failed, 0 done (0 today)\n' +
        'Disk: no recordings folder to measure\n',
    );

    const json = await fixture.status();
    expect(Object.keys(json).sort()).toEqual([
      'destination',
      'headline',
      'health',
      'jobs',
      'policy',
      'running',
      'totals',
    ]);
    expect(json.headline).toBe('Set-up needed: choose the recordings folder (the uploader is not running)');
    expect(json.running).toBe(false);
    expect(json.health.headline).toEqual({ kind: 'set-up', missing: 'folder' });
    expect(json.policy.file).toBe('/etc/recording-uploader/policy.json');
    expect(json.destination).toEqual({
      where: '(no storage API URL set)',
      destination: 'storage-api',
      state: 'not-set-up',
      label: null,
      lastSuccessAt: null,
      since: null,
      reason: 'no storage API URL is set',
      nextTryAt: null,
      until: null,
    });
    expect(json.jobs).toEqual([]);
    expect(Object.keys(json.totals).sort()).toEqual([...JOB_STATES, 'doneToday'].sort());
    expect(Object.values(json.totals).every((n) => n === 0)).toBe(true);
  });

  it('shows, while run is running, a finished upload and one in progress', async () => {
    fixture = await HeadlessFixture.start({ settings: { maxConcurrentUploads: 1 } });
    fixture.writeRecording('first.mp4', 2 * MiB);
    const child = fixture.run();
    await fixture.waitForStored('first.mp4');
    await fixture.waitForJob('first.mp4', ['done']);
    // The second recording's second chunk stays in flight.
    const gate = fixture.peer.gates.hold('chunk', { afterCount: 1 });
    fixture.writeRecording('second.mp4', 3 * MiB + 100);
    await gate.whenHeld();

    const json = await fixture.status();
    expect(json.totals).toMatchObject({ done: 1, doneToday: 1, uploading: 1, queued: 0, failed: 0 });
    const [second, first] = json.jobs;
    expect(json.jobs.map((j) => j.fileName)).toEqual(['second.mp4', 'first.mp4']);
    for (const job of json.jobs) expect(Object.keys(job).sort()).toEqual(JOB_FIELDS);
    const stored = fixture.peer.recordings()[0];
    expect(first).toMatchObject({
      destination: 'storage-api',
      state: 'done',
      sizeBytes: 2 * MiB,
      confirmedBytes: 2 * MiB,
      remoteId: stored?.fileId,
      lastError: null,
    });
    expect(first?.completedAt).toEqual(expect.any(Number));
    expect(second).toMatchObject({
      state: 'uploading',
      sizeBytes: 3 * MiB + 100,
      confirmedBytes: MiB,
      remoteId: null,
      completedAt: null,
    });

    // With the run's own --settings, status names the destination as that run sees it.
    const human = await fixture.cli(['status', '--settings', fixture.settingsFile]);
    expect(human.code).toBe(0);
    const lines = human.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Uploading: 1 in progress — 2 MiB left/);
    expect(lines[3]).toMatch(
      /^Queue: 0 waiting \(0 queued, 0 to retry, 0 paused, 0 need sign-in\), 1 uploading, 0 failed, 1 done \(1 today\) — 2 MiB left/,
    );
    expect(lines).toHaveLength(7);
    expect(lines[1]).toMatch(new RegExp(`^Folder: ${fixture.folder} — watched since `));
    expect(lines[2]).toMatch(
      new RegExp(`^Destination: ${fixture.peer.baseUrl} — working \\(last accepted .+\\)$`),
    );
    expect(lines[4]).toMatch(/^Disk: [\d.,]+ [KMGT]?i?B free on the recordings volume$/);
    expect(lines[5]).toMatch(new RegExp(`^\\s+${second?.id}\\s+uploading\\s+33%\\s+3 MiB\\s+second\\.mp4$`));
    expect(lines[6]).toMatch(
      new RegExp(`^\\s+${first?.id}\\s+done\\s+100%\\s+2 MiB\\s+first\\.mp4\\s+— ${stored?.fileId}$`),
    );

    gate.release();
    await fixture.waitForJob('second.mp4', ['done']);
    expect(await child.stop('SIGTERM')).toMatchObject({ code: 0 });
  });

  it('works when several processes open a new data folder at the same moment', async () => {
    fixture = await HeadlessFixture.start();
    const f = fixture;
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => f.cli(['status', '--json'])));
    for (const outcome of outcomes) {
      expect(outcome.stderr).toBe('');
      expect(outcome.code).toBe(0);
      expect(JSON.parse(outcome.stdout)).toMatchObject({ jobs: [] });
    }
  });

  it('rejects an option it does not know, with status 2', async () => {
    fixture = await HeadlessFixture.start();
    const outcome = await fixture.cli(['status', '--jsn']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('status: unknown option --jsn');
  });
});
