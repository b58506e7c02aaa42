import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReconcileResult } from '../../src-main/core/proof/reconcile.ts';
import type { Database } from '../../src-main/core/store/database.ts';
import type { Uploader } from '../../src-main/core/uploader.ts';
import { referenceQuickXor } from '../peers/quick-xor-reference.ts';
import { DriveHarness } from '../support/drive-harness.ts';
import { runCli } from '../support/headless-cli.ts';
import { ledgerRows } from '../support/ledger-rows.ts';
import { OneDriveHarness } from '../support/onedrive-harness.ts';
import { sha256, UploaderHarness } from '../support/uploader-harness.ts';

const NAMES = ['kept.mp4', 'deleted.mp4', 'altered.mp4'];
const hex = (name: string, bytes: Uint8Array) => createHash(name).update(bytes).digest('hex');

interface Archive {
  uploader: Uploader;
  db: Database;
  /** Deletes the recording at the destination, as someone with access there would. */
  remove(fileName: string): Promise<void>;
  /** Changes the recording's bytes at the destination (the service's hash follows them). */
  alter(fileName: string): Promise<void>;
}

/** An intact archive reports nothing; a deleted and an altered recording are named, and recorded. */
async function expectReconciliation(archive: Archive, jobIdOf: (name: string) => number): Promise<void> {
  const intact = await archive.uploader.reconcile();
  expect(intact).toMatchObject({ checked: 3, present: 3, missing: [], altered: [] });
  expect(intact.unexpected.filter((f) => !f.name.endsWith('.receipt.json'))).toEqual([]);

  await archive.remove('deleted.mp4');
  await archive.alter('altered.mp4');
  const found: ReconcileResult = await archive.uploader.reconcile();
  expect(found.present).toBe(1);
  expect(found.missing.map((f) => f.fileName)).toEqual(['deleted.mp4']);
  expect(found.altered.map((f) => f.fileName)).toEqual(['altered.mp4']);
  expect(found.altered[0]?.detail).toMatch(/now, .* when verified/);

  const entries = ledgerRows(archive.db).filter((row) => row.event === 'reconciled');
  const perJob = entries.filter((row) => row.job_id !== null);
  // Recordings are checked in the order they were verified, which concurrent uploads do not fix.
  const findings = perJob.map((row) => [row.job_id, JSON.parse(row.details).finding]);
  expect(findings.sort((a, b) => String(a[1]).localeCompare(String(b[1])))).toEqual([
    [jobIdOf('altered.mp4'), 'altered'],
    [jobIdOf('deleted.mp4'), 'missing'],
  ]);
  const summary = JSON.parse(entries.at(-1)?.details ?? '{}');
  expect(summary).toMatchObject({ checked: 3, present: 1, missing: [String(jobIdOf('deleted.mp4'))] });
}

describe('reconcile', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it('storage API: finds a deleted and an altered recording from GET /recordings, and the command says so', {
    timeout: 40_000,
  }, async () => {
    const h = await UploaderHarness.start();
    closers.push(() => h.close());
    for (const name of NAMES) await h.writeRecording(name, 100_000);
    await h.waitForStates(NAMES, ['done']);
    const stored = (name: string) => {
      const found = h.peer.recordings().find((r) => r.fileName === name);
      if (found === undefined) throw new Error(`${name} is not stored`);
      return found;
    };
    await expectReconciliation(
      {
        uploader: h.uploader,
        db: h.db,
        remove: async (name) => {
          const answer = await fetch(`${h.peer.baseUrl}/recordings/${stored(name).fileId}`, {
            method: 'DELETE',
            headers: { authorization: `Bearer ${h.peer.token}` },
          });
          expect(answer.status).toBe(204);
        },
        alter: async (name) => {
          const recording = stored(name);
          const bytes = randomBytes(recording.fileSize);
          writeFileSync(recording.path, bytes);
          recording.sha256 = sha256(bytes);
        },
      },
      (name) => h.job(name)?.id ?? 0,
    );
    expect(h.job('kept.mp4')).toBeDefined();

    const settingsFile = join(h.root, 'settings.json');
    writeFileSync(settingsFile, JSON.stringify({ storageApiBaseUrl: h.peer.baseUrl }));
    const cli = await runCli(['reconcile', '--data-dir', h.dataDir, '--settings', settingsFile]);
    expect(cli.stdout).toMatch(/1 present and unchanged, 1 missing, 1 altered/);
    expect(cli.stdout).toMatch(/MISSING {2}job \d+ deleted\.mp4/);
    expect(cli.stdout).toMatch(/ALTERED {2}job \d+ altered\.mp4 \(\S+\): sha256 [0-9a-f]{64} now/);
    expect(cli.code).toBe(1);
  });

  it('OneDrive: finds them from the folder’s children and their quickXorHash', {
    timeout: 60_000,
  }, async () => {
    const h = await OneDriveHarness.start({ settings: { remoteSubfolderTemplate: '{yyyy}' } });
    closers.push(() => h.close());
    await h.connect();
    for (const name of NAMES) await h.writeRecording(name, 100_000);
    await h.waitForStates(NAMES, ['done']);
    const item = (name: string) => {
      const found = h.graph.files().find((f) => f.name === name);
      if (found === undefined) throw new Error(`${name} is not stored`);
      return found;
    };
    await expectReconciliation(
      {
        uploader: h.uploader,
        db: h.db,
        remove: async (name) => h.graph.drive.delete(item(name).id),
        alter: async (name) => {
          const stored = h.graph.drive.get(item(name).id);
          const bytes = randomBytes(stored.size);
          writeFileSync(stored.contentPath ?? '', bytes);
          stored.quickXorHash = referenceQuickXor(bytes);
        },
      },
      (name) => h.job(name)?.id ?? 0,
    );
  });

  it('Google Drive: finds them from the files marked as recordings and their md5Checksum', {
    timeout: 60_000,
  }, async () => {
    const h = await DriveHarness.start();
    closers.push(() => h.close());
    for (const name of NAMES) await h.writeRecording(name, 100_000);
    await h.waitForStates(NAMES, ['done']);
    const file = (name: string) => {
      const found = h.drive.stored(name)[0];
      if (found === undefined) throw new Error(`${name} is not stored`);
      return found;
    };
    await expectReconciliation(
      {
        uploader: h.uploader,
        db: h.db,
        remove: async (name) => {
          h.drive.files.delete(file(name).id);
        },
        alter: async (name) => {
          const stored = file(name);
          const bytes = randomBytes(stored.size ?? 0);
          writeFileSync(stored.contentPath ?? '', bytes);
          stored.md5Checksum = hex('md5', bytes);
        },
      },
      (name) => h.job(name)?.id ?? 0,
    );
  });
});
