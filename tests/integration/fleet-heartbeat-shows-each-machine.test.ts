import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { heartbeatFileName } from '../../src-main/core/proof/heartbeat.ts';
import { APP_VERSION } from '../../src-shared/app-version.ts';
import { ledgerRows } from '../support/ledger-rows.ts';
import { OneDriveHarness } from '../support/onedrive-harness.ts';
import { waitFor } from '../support/recording-jobs.ts';
import { UploaderHarness } from '../support/uploader-harness.ts';

describe('fleet heartbeat', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it('storage API: POST /heartbeat carries the last success, the queue and the ledger head', {
    timeout: 30_000,
  }, async () => {
    const h = await UploaderHarness.start();
    closers.push(() => h.close());
    await h.writeRecording('a.mp4', 10_000);
    await h.waitForStates(['a.mp4'], ['done']);
    // The receipt is placed just after the recording is done: the head is the entry that says so.
    await waitFor(
      () => ledgerRows(h.db).some((row) => row.event === 'receipt-placed'),
      10_000,
      () => 'the receipt to be placed',
    );

    expect(await h.uploader.writeHeartbeat()).toBe(true);

    const head = ledgerRows(h.db).at(-1);
    expect(h.peer.heartbeats).toEqual([
      {
        format: 'recording-uploader-heartbeat/1',
        machine: hostname(),
        writtenAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        appVersion: APP_VERSION,
        destination: 'storage-api',
        lastSuccessAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        queueDepth: 0,
        oldestWaitingSeconds: null,
        health: { kind: 'caught-up', tone: 'good', text: expect.any(String) },
        ledgerHead: { seq: head?.seq, hash: head?.hash },
      },
    ]);
  });

  it('a storage API server without the extension, or the setting off, is sent nothing', {
    timeout: 30_000,
  }, async () => {
    const h = await UploaderHarness.start({ peer: { extensions: [] } });
    closers.push(() => h.close());
    expect(await h.uploader.writeHeartbeat()).toBe(false);
    await h.uploader.updateSettings({ fleetHeartbeat: false });
    expect(await h.uploader.writeHeartbeat()).toBe(false);
    expect(h.peer.requests.filter((r) => r.kind === 'heartbeat')).toEqual([]);
  });

  it('OneDrive: _recording-uploader/MACHINE.json in the upload folder, replaced by each beat', {
    timeout: 60_000,
  }, async () => {
    const h = await OneDriveHarness.start();
    closers.push(() => h.close());
    await h.connect();
    await h.writeRecording('b.mp4', 10_000);
    await h.waitForStates(['b.mp4'], ['done']);

    expect(await h.uploader.writeHeartbeat()).toBe(true);
    expect(await h.uploader.writeHeartbeat()).toBe(true);

    const path = `/Recordings/_recording-uploader/${heartbeatFileName(hostname())}`;
    const beats = h.graph.files().filter((f) => f.path.startsWith('/Recordings/_recording-uploader/'));
    expect(beats.map((f) => f.path)).toEqual([path]);
    const beat = JSON.parse(readFileSync(h.graph.fileAt(path)?.contentPath ?? '', 'utf8'));
    expect(beat).toMatchObject({ destination: 'onedrive', machine: hostname(), appVersion: APP_VERSION });
    expect(beat.ledgerHead.seq).toBeGreaterThan(0);
    // The heartbeat is not a recording: reconciliation neither counts nor reports it.
    const reconciled = await h.uploader.reconcile();
    expect(reconciled.unexpected.map((f) => f.name)).not.toContain(heartbeatFileName(hostname()));
  });
});
