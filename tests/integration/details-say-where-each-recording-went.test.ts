import { afterEach, describe, expect, it } from 'vitest';
import { createCommandRouter } from '../../src-main/core/bridge/command-router.ts';
import type { Uploader } from '../../src-main/core/uploader.ts';
import type { BridgeResponse } from '../../src-shared/bridge-contract.ts';
import type { JobDetails } from '../../src-shared/job-details.ts';
import { ledgerRows } from '../support/ledger-rows.ts';
import { OneDriveHarness } from '../support/onedrive-harness.ts';
import { waitFor } from '../support/recording-jobs.ts';
import { sha256, UploaderHarness } from '../support/uploader-harness.ts';

/** Asks the core over the bridge's one channel, as the page does. */
async function details(harness: { uploader: Uploader }, jobId: number): Promise<JobDetails> {
  const answer: BridgeResponse = await createCommandRouter(harness.uploader)({
    id: 1,
    method: 'getJobDetails',
    params: { jobId },
  });
  if ('error' in answer) throw new Error(answer.error.message);
  return answer.result as JobDetails;
}

describe('a recording’s details', () => {
  let harness: UploaderHarness | undefined;
  let onedrive: OneDriveHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    await onedrive?.close();
    onedrive = undefined;
  });

  it('name where it went, its hashes and times, and every attempt with its reason, with no secret', {
    timeout: 30_000,
  }, async () => {
    harness = await UploaderHarness.start({ settings: { maxRetries: 3 } });
    const h = harness;
    // The first try meets a server error: the ledger keeps its reason, the second try lands it.
    h.peer.faults.serverErrors(1, 503, ['create'], 'maintenance window until 02:00');
    const bytes = await h.writeRecording('2024-10-26_0915_ana.mp4', 300_000, {
      session_id: 'ana-0915',
      user: 'ana',
    });
    const [job] = await h.waitForStates(['2024-10-26_0915_ana.mp4'], ['done']);
    if (job === undefined) throw new Error('no job');
    await waitFor(
      () => ledgerRows(h.db).some((row) => row.event === 'receipt-placed' && row.job_id === job.id),
      10_000,
      () => 'the receipt to be placed',
    );

    const seen = await details(h, job.id);
    expect(seen.job).toMatchObject({ id: job.id, state: 'done', sizeBytes: 300_000 });
    expect(seen.destination).toEqual({ kind: 'storage-api', account: null, folder: h.peer.baseUrl });
    expect(seen.placeAsVerified).toBe(true);
    expect(seen.job.remoteId).toBe(job.remoteId);
    expect(seen.remoteLink).toBe(`${h.peer.baseUrl}/recordings/${job.remoteId}`);
    expect(seen.sha256).toBe(sha256(bytes));
    expect(seen.remoteHashes).toEqual({ sha256: sha256(bytes) });
    expect(seen.sidecar).toEqual({
      fileName: '2024-10-26_0915_ana_metadata.json',
      stored: 'with-the-upload',
    });
    expect(seen.receipt).toBe('2024-10-26_0915_ana.receipt.json');
    // The receipt says the same of the metadata file, at the destination and from the database.
    const metadata = { fileName: '2024-10-26_0915_ana_metadata.json', stored: 'with-the-upload' };
    expect(h.uploader.receiptOf(job.id).metadata).toEqual(metadata);
    expect(h.peer.receipt(job.remoteId ?? '')).toMatchObject({ metadata });

    // Found, then started (the first try, not the one that landed it), stored, done: in that order.
    const events = seen.history.map((entry) => entry.event);
    expect(events.filter((event) => event === 'upload-started')).toHaveLength(2);
    const firstStart = seen.history.find((entry) => entry.event === 'upload-started');
    expect(seen.startedAt).toBe(firstStart?.at);
    expect(seen.foundAt).toBeLessThanOrEqual(seen.startedAt ?? 0);
    expect(seen.startedAt).toBeLessThanOrEqual(seen.storedAt ?? 0);
    expect(seen.storedAt).toBeLessThanOrEqual(seen.completedAt ?? 0);
    expect(events.slice(0, 2)).toEqual(['found', 'queued']);
    expect(events).toEqual(expect.arrayContaining(['waiting', 'stored', 'verified', 'receipt-placed']));
    const wait = seen.history.find((entry) => entry.event === 'waiting');
    expect(wait?.reason).toMatch(/503.*maintenance window until 02:00/);
    expect(wait?.from).toBe('uploading');
    expect(wait?.until).toBeGreaterThan(wait?.at ?? Number.POSITIVE_INFINITY);
    expect(seen.earlierEntries).toBe(0);
    // Every entry of the job's ledger is there, in order.
    const seqs = ledgerRows(h.db)
      .filter((row) => row.job_id === job.id)
      .map((row) => row.seq);
    expect(seen.history.map((entry) => entry.seq)).toEqual(seqs);

    const text = JSON.stringify(seen);
    expect(text).not.toContain(h.peer.token);
    // No upload session: its addresses are capabilities (the reason may name the request, not a session).
    expect(text).not.toMatch(/\/uploads\/(?!create-session)[^"]/);
  });

  it('keep a sidecar’s whole warning, say it was not placed, and refuse a job that does not exist', {
    timeout: 30_000,
  }, async () => {
    harness = await UploaderHarness.start();
    const h = harness;
    await h.writeRecording('2024-10-26_1010_carla.mp4', 50_000, '{"session_id": "carla", "user": ');
    const [job] = await h.waitForStates(['2024-10-26_1010_carla.mp4'], ['done']);
    if (job === undefined) throw new Error('no job');

    const seen = await details(h, job.id);
    expect(seen.job.warning).toBeNull();
    expect(seen.job.sidecarWarning).toMatch(
      /^metadata file ".*2024-10-26_1010_carla_metadata\.json" .+; the recording is uploaded without its metadata$/,
    );
    expect(seen.sidecar).toEqual({ fileName: '2024-10-26_1010_carla_metadata.json', stored: 'no' });
    await expect(details(h, job.id + 1000)).rejects.toThrow(`there is no job ${job.id + 1000}`);
  });

  it('keep what happened to the sidecar when a later warning (a receipt not placed, then placed) comes and goes', {
    timeout: 30_000,
  }, async () => {
    harness = await UploaderHarness.start();
    const h = harness;
    h.peer.faults.serverErrors(1, 503, ['receipt'], 'receipts are read-only for a while');
    await h.writeRecording('2024-10-26_1120_dora.mp4', 40_000, '{"session_id": "dora", ');
    const [job] = await h.waitForStates(['2024-10-26_1120_dora.mp4'], ['done']);
    if (job === undefined) throw new Error('no job');
    const warningOf = () =>
      (h.db.prepare('SELECT warning FROM jobs WHERE id = ?').get(job.id) as { warning: string | null })
        .warning;
    await waitFor(
      () => warningOf()?.includes('receipt was not placed') === true,
      10_000,
      () => 'the receipt’s failure to be noted',
    );

    const unusable =
      /^metadata file ".*2024-10-26_1120_dora_metadata\.json" .+; the recording is uploaded without its metadata$/;
    const failed = await details(h, job.id);
    expect(failed.job.warning).toMatch(/503.*receipts are read-only for a while/);
    expect(failed.job.sidecarWarning).toMatch(unusable);
    expect(failed.sidecar).toEqual({ fileName: '2024-10-26_1120_dora_metadata.json', stored: 'no' });

    // The next start places the receipt owed and clears its warning: the sidecar's stays.
    await h.restart();
    await waitFor(
      () => ledgerRows(h.db).some((row) => row.event === 'receipt-placed' && row.job_id === job.id),
      10_000,
      () => 'the owed receipt to be placed',
    );
    const placed = await details(h, job.id);
    expect(placed.job.warning).toBeNull();
    expect(placed.job.sidecarWarning).toMatch(unusable);
    expect(placed.sidecar).toEqual({ fileName: '2024-10-26_1120_dora_metadata.json', stored: 'no' });
    const stored = h.peer.recordings().find((r) => r.fileId === job.remoteId);
    expect(stored?.metadata ?? null).toBeNull();
    // The receipt placed then says the metadata file did not go, as the details do.
    expect(h.peer.receipt(job.remoteId ?? '')).toMatchObject({
      metadata: { fileName: '2024-10-26_1120_dora_metadata.json', stored: 'no' },
    });
  });

  it('OneDrive: name the account signed in and the folder, link the file’s web page, and say the sidecar was placed beside it', {
    timeout: 60_000,
  }, async () => {
    onedrive = await OneDriveHarness.start();
    const { graph, uploader } = onedrive;
    const folder = graph.makeFolders('Recordings');
    await onedrive.connect();
    await uploader.chooseRemoteFolder({
      destination: 'onedrive',
      folder: { id: folder.id, driveId: null, path: '/Recordings' },
    });
    const bytes = await onedrive.writeRecording('session_3.mp4', 700_000, { session_id: 's3' });
    const [job] = await onedrive.waitForStates(['session_3.mp4'], ['done']);
    if (job === undefined) throw new Error('no job');
    const stored = graph.fileAt('/Recordings/session_3.mp4');

    const seen = await details(onedrive, job.id);
    expect(seen.destination).toEqual({
      kind: 'onedrive',
      account: expect.stringContaining('('),
      folder: '/Recordings',
    });
    expect(seen.job.remoteId).toBe(stored?.id);
    expect(seen.remoteLink).toMatch(/^https?:\/\//);
    expect(seen.remoteLink).toBe(job.remoteUrl);
    expect(seen.sha256).toBe(sha256(bytes));
    expect(Object.keys(seen.remoteHashes)).toEqual(['quickXorHash']);
    expect(seen.sidecar).toEqual({ fileName: 'session_3_metadata.json', stored: 'beside-the-video' });
    expect(uploader.receiptOf(job.id).metadata).toEqual(seen.sidecar);
    expect(seen.placeAsVerified).toBe(true);
    expect(JSON.stringify(seen)).not.toMatch(/uploadUrl|access_token|refresh_token/);

    // Another folder chosen afterwards: the recording still went where it went, and its receipt says so.
    const other = graph.makeFolders('Archive');
    await uploader.chooseRemoteFolder({
      destination: 'onedrive',
      folder: { id: other.id, driveId: null, path: '/Archive' },
    });
    expect((await details(onedrive, job.id)).destination.folder).toBe('/Recordings');
    expect(uploader.receiptOf(job.id).destination.folder).toBe('/Recordings');
    // One not verified yet goes where the folder is set now, and says so.
    await uploader.pauseAll({ until: null });
    await onedrive.writeRecording('session_4.mp4', 1000);
    const [next] = await onedrive.waitForStates(['session_4.mp4'], ['queued']);
    if (next === undefined) throw new Error('no job');
    expect(await details(onedrive, next.id)).toMatchObject({
      placeAsVerified: false,
      destination: { kind: 'onedrive', folder: '/Archive' },
    });
  });
});
