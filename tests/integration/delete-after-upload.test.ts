import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobView } from '../../src-shared/job.ts';
import { chunkStart, tapFetch } from '../support/fetch-tap.ts';
import { waitFor } from '../support/recording-jobs.ts';
import { sha256, UploaderHarness } from '../support/uploader-harness.ts';

const MiB = 1024 * 1024;
const SIDECAR = { session_id: 'rdp_42_1729950022', connection_info: { con_codigo: 42 } };

let harness: UploaderHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

interface Sighting {
  state: JobView['state'] | undefined;
  video: boolean;
  sidecar: boolean;
}

describe('delete after upload', () => {
  it('deletes the video and its sidecar only once the upload is done and verified', async () => {
    const sightings: Sighting[] = [];
    const look = (): void => {
      const h = harness;
      if (h === undefined) return;
      sightings.push({
        state: h.job('kept-until-done.mp4')?.state,
        video: existsSync(join(h.folder, 'kept-until-done.mp4')),
        sidecar: existsSync(join(h.folder, 'kept-until-done_metadata.json')),
      });
    };
    const h = await UploaderHarness.start({
      peer: { chunkSize: 256 * 1024 },
      settings: { chunkSizeBytes: MiB, deleteAfterUpload: true },
      // A slow server: each acknowledged chunk takes a while, and the files are looked at meanwhile.
      fetch: tapFetch(async (exchange) => {
        if (chunkStart(exchange) === null) return;
        look();
        await new Promise((resolve) => setTimeout(resolve, 80));
        look();
      }),
    });
    harness = h;
    h.uploader.events.subscribe((event) => {
      if (event.event === 'job-updated') look();
    });
    const bytes = await h.writeRecording('kept-until-done.mp4', 4 * MiB, SIDECAR);

    await h.waitForStates(['kept-until-done.mp4'], ['done']);
    // The job is announced again once its local files are dealt with.
    await waitFor(
      () => sightings.some((s) => !s.video),
      5_000,
      () => 'the uploaded video to be deleted',
    );

    expect(existsSync(join(h.folder, 'kept-until-done.mp4'))).toBe(false);
    expect(existsSync(join(h.folder, 'kept-until-done_metadata.json'))).toBe(false);
    const whileUploading = sightings.filter((s) => s.state === 'uploading' || s.state === 'verifying');
    expect(whileUploading.length).toBeGreaterThanOrEqual(8);
    expect(whileUploading.every((s) => s.video && s.sidecar)).toBe(true);
    // Gone implies done: nothing disappeared before the remote hash had matched.
    expect(sightings.filter((s) => !s.video || !s.sidecar).every((s) => s.state === 'done')).toBe(true);
    const [stored] = h.peer.recordings();
    expect(sha256(await h.stored('kept-until-done.mp4'))).toBe(sha256(bytes));
    expect(stored?.metadata).toEqual(SIDECAR);
  });

  it('keeps an unusable sidecar, which was never uploaded, as evidence', async () => {
    const h = await UploaderHarness.start({ settings: { deleteAfterUpload: true } });
    harness = h;
    await h.writeRecording('bad-meta.mp4', 200 * 1024, '{ not json');

    await h.waitForStates(['bad-meta.mp4'], ['done']);
    await waitFor(
      () => !existsSync(join(h.folder, 'bad-meta.mp4')),
      5_000,
      () => 'the uploaded video to be deleted',
    );
    // Give a wrongly placed deletion of the sidecar every chance to happen before looking.
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(existsSync(join(h.folder, 'bad-meta_metadata.json'))).toBe(true);
  });

  it('keeps the local files of a job that failed', async () => {
    const h = await UploaderHarness.start({ settings: { deleteAfterUpload: true } });
    harness = h;
    h.peer.faults.wrongSha256(2);
    const bytes = await h.writeRecording('failed-kept.mp4', 300 * 1024, SIDECAR);

    const [job] = await h.waitForStates(['failed-kept.mp4'], ['failed']);
    // Give a wrongly placed deletion every chance to happen before looking.
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(job?.lastError).toMatch(/sha256/);
    expect(existsSync(join(h.folder, 'failed-kept.mp4'))).toBe(true);
    expect(existsSync(join(h.folder, 'failed-kept_metadata.json'))).toBe(true);
    expect(sha256(await readFile(join(h.folder, 'failed-kept.mp4')))).toBe(sha256(bytes));
  });

  it('keeps the local files of a recording whose stored hash the server never reported', async () => {
    const h = await UploaderHarness.start({
      peer: { chunkSize: 256 * 1024, announceHashes: false },
      settings: { chunkSizeBytes: MiB, deleteAfterUpload: true },
    });
    harness = h;
    const bytes = await h.writeRecording('unverifiable.mp4', 2 * MiB, SIDECAR);

    const [job] = await h.waitForStates(['unverifiable.mp4'], ['done']);
    await waitFor(
      () => h.job('unverifiable.mp4')?.warning !== null,
      5_000,
      () => 'the job to say why its files were kept',
    );

    expect(sha256(await h.stored('unverifiable.mp4'))).toBe(sha256(bytes));
    expect(job?.remoteId).not.toBeNull();
    expect(h.job('unverifiable.mp4')?.warning).toMatch(/kept on disk: storage-api did not report a hash/);
    expect(existsSync(join(h.folder, 'unverifiable.mp4'))).toBe(true);
    expect(existsSync(join(h.folder, 'unverifiable_metadata.json'))).toBe(true);
  });

  it('after a restart that finds the recording already committed, deletes only once the listed hash matches', async () => {
    const h = await UploaderHarness.start({
      peer: { chunkSize: 256 * 1024 },
      settings: { chunkSizeBytes: MiB, deleteAfterUpload: true },
    });
    harness = h;
    // The finalize answer is lost (the uploader stops as it arrives); the server committed the file.
    const gate = h.peer.gates.hold('finalize', { at: 'answer' });
    const bytes = await h.writeRecording('committed-before-stop.mp4', 2 * MiB);
    await gate.whenHeld();
    const stopping = h.uploader.stop();
    gate.release();
    await stopping;
    expect(existsSync(join(h.folder, 'committed-before-stop.mp4'))).toBe(true);

    await h.restart({ settings: { chunkSizeBytes: MiB, deleteAfterUpload: true } });
    await h.waitForStates(['committed-before-stop.mp4'], ['done']);
    await waitFor(
      () => !existsSync(join(h.folder, 'committed-before-stop.mp4')),
      5_000,
      () => 'the verified recording to be deleted',
    );
    expect(h.peer.recordings().filter((r) => r.fileName === 'committed-before-stop.mp4')).toHaveLength(1);
    expect(sha256(await h.stored('committed-before-stop.mp4'))).toBe(sha256(bytes));
    // Nothing was finalized twice: the restart learned it from the status and the listing.
    expect(h.peer.requests.filter((r) => r.kind === 'finalize')).toHaveLength(1);
  });
});
