import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkAgainstReceipt, receiptFileName } from '../../src-main/core/proof/receipt.ts';
import type { LedgerRow } from '../../src-main/core/store/ledger.ts';
import { runCli } from '../support/headless-cli.ts';
import { ledgerRows } from '../support/ledger-rows.ts';
import { OneDriveHarness } from '../support/onedrive-harness.ts';
import { waitFor } from '../support/recording-jobs.ts';
import { sha256, UploaderHarness } from '../support/uploader-harness.ts';

const placed = (rows: LedgerRow[], jobId: number) =>
  rows.some((row) => row.event === 'receipt-placed' && row.job_id === jobId);

describe('receipts', () => {
  let harness: UploaderHarness | undefined;
  let onedrive: OneDriveHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    await onedrive?.close();
    onedrive = undefined;
  });

  it('the storage API keeps each recording’s receipt by the receipts extension; it verifies the stored file and refuses one byte changed', {
    timeout: 30_000,
  }, async () => {
    harness = await UploaderHarness.start();
    const bytes = await harness.writeRecording('session_1.mp4', 300_000);
    const [job] = await harness.waitForStates(['session_1.mp4'], ['done']);
    if (job === undefined) throw new Error('no job');
    const h = harness;
    await waitFor(
      () => placed(ledgerRows(h.db), job.id),
      10_000,
      () => 'the receipt to be placed',
    );

    const remote = harness.peer.receipt(job.remoteId ?? '');
    const receipt = harness.uploader.receiptOf(job.id);
    expect(remote).toEqual(JSON.parse(JSON.stringify(receipt)));
    const verified = ledgerRows(harness.db).find((row) => row.event === 'verified' && row.job_id === job.id);
    expect(receipt).toMatchObject({
      recordingId: 'session_1',
      fileName: 'session_1.mp4',
      sizeBytes: 300_000,
      sha256: sha256(bytes),
      remote: { id: job.remoteId, hashes: { sha256: sha256(bytes) } },
      destination: { kind: 'storage-api', folder: harness.peer.baseUrl },
      ledgerEntry: { seq: verified?.seq, hash: verified?.hash },
    });

    // An auditor downloads the recording and its receipt and checks them offline.
    const stored = await harness.stored('session_1.mp4');
    const receiptPath = join(harness.root, receiptFileName('session_1.mp4'));
    const filePath = join(harness.root, 'download.mp4');
    writeFileSync(receiptPath, JSON.stringify(remote));
    writeFileSync(filePath, stored);
    expect(await checkAgainstReceipt(readFileSync(receiptPath, 'utf8'), filePath)).toMatchObject({
      matches: true,
    });
    const ok = await runCli(['verify-receipt', receiptPath, filePath]);
    expect(ok.stdout).toContain('matches its receipt');
    expect(ok.code).toBe(0);

    stored[123_456] = (stored[123_456] ?? 0) ^ 0x01;
    writeFileSync(filePath, stored);
    const check = await checkAgainstReceipt(readFileSync(receiptPath, 'utf8'), filePath);
    expect(check.matches).toBe(false);
    expect(check.matches ? [] : check.problems).toEqual([
      expect.stringMatching(/SHA-256 is [0-9a-f]{64}, the receipt says/),
    ]);
    const refused = await runCli(['verify-receipt', receiptPath, filePath]);
    expect(refused.stdout).toContain('does NOT match its receipt');
    expect(refused.code).toBe(1);
  });

  it('a storage API server without the extension is never sent a receipt, and the upload stands', {
    timeout: 30_000,
  }, async () => {
    harness = await UploaderHarness.start({ peer: { extensions: [] } });
    await harness.writeRecording('session_2.mp4', 1000);
    const [job] = await harness.waitForStates(['session_2.mp4'], ['done']);
    if (job === undefined) throw new Error('no job');
    const h = harness;
    await waitFor(
      () => h.peer.requests.some((r) => r.kind === 'health'),
      5000,
      () => 'the extensions to be asked',
    );

    expect(harness.peer.requests.filter((r) => r.kind === 'receipt')).toEqual([]);
    expect(placed(ledgerRows(harness.db), job.id)).toBe(false);
    expect(harness.job('session_2.mp4')).toMatchObject({ state: 'done', warning: null });
    // The receipt is still there to be had, from the database.
    expect(harness.uploader.receiptOf(job.id).sha256).toBe(sha256(await harness.stored('session_2.mp4')));
  });

  it('OneDrive: NAME.receipt.json lands beside the recording, once', { timeout: 60_000 }, async () => {
    onedrive = await OneDriveHarness.start();
    const { graph, uploader } = onedrive;
    const folder = graph.makeFolders('Recordings');
    await onedrive.connect();
    await uploader.chooseRemoteFolder({
      destination: 'onedrive',
      folder: { id: folder.id, driveId: null, path: '/Recordings' },
    });
    const bytes = await onedrive.writeRecording('session_3.mp4', 700_000);
    const [job] = await onedrive.waitForStates(['session_3.mp4'], ['done']);
    if (job === undefined) throw new Error('no job');
    const h = onedrive;
    await waitFor(
      () => placed(ledgerRows(h.db), job.id),
      10_000,
      () => 'the receipt to be placed',
    );

    const item = graph.fileAt('/Recordings/session_3.receipt.json');
    if (item?.contentPath == null) throw new Error('no receipt beside the recording');
    const receipt = JSON.parse(readFileSync(item.contentPath, 'utf8'));
    expect(receipt).toMatchObject({
      fileName: 'session_3.mp4',
      sha256: sha256(bytes),
      remote: {
        id: graph.fileAt('/Recordings/session_3.mp4')?.id,
        hashes: { quickXorHash: expect.any(String) },
      },
      destination: { kind: 'onedrive', account: expect.stringContaining('('), folder: '/Recordings' },
    });
    expect(graph.files().filter((f) => f.name.endsWith('.receipt.json'))).toHaveLength(1);
  });
});
