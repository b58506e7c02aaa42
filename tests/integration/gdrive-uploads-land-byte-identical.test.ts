import { afterEach, describe, expect, it } from 'vitest';
import { DriveHarness, md5 } from '../support/drive-harness.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const SIZES: Array<[string, number]> = [
  ['empty.mp4', 0],
  ['one-byte.mp4', 1],
  ['one-block.mp4', 256 * KiB],
  ['block-plus-one.mp4', 256 * KiB + 1],
  ['twenty-mib.mkv', 20 * MiB + 12_345],
];

let harness: DriveHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('recordings uploaded to Google Drive', () => {
  it('land byte-identical, verified by md5, in 256 KiB-multiple chunks, exactly once', {
    timeout: 90_000,
  }, async () => {
    harness = await DriveHarness.start({ settings: { chunkSizeBytes: 3 * MiB + 100 } });
    const written = new Map<string, Buffer>();
    for (const [name, size] of SIZES) written.set(name, await harness.writeRecording(name, size));

    const jobs = await harness.waitForStates(
      SIZES.map(([name]) => name),
      ['done'],
      60_000,
    );

    const folderId = harness.uploader.settings.googleDriveFolder?.id;
    for (const [name, bytes] of written) {
      const { file, bytes: stored } = await harness.stored(name);
      expect(stored.equals(bytes), name).toBe(true);
      expect(file.md5Checksum, name).toBe(md5(bytes));
      expect(file.parents, name).toEqual([folderId]);
      expect(file.appProperties.recordingRole, name).toBe('recording');
      expect(file.appProperties.recordingId, name).toBe(name.replace(/\.[^.]+$/, ''));
    }
    // Each recording once (its receipt, placed after it is verified, is a file of its own).
    expect(harness.drive.stored().filter((f) => !f.name.endsWith('.receipt.json'))).toHaveLength(
      SIZES.length,
    );
    for (const job of jobs) {
      expect(job.remoteId).toBe(harness.drive.stored(job.fileName)[0]?.id);
      expect(job.confirmedBytes).toBe(job.sizeBytes);
    }
    // The chunk size asked for (3 MiB + 100) is rounded down to a 256 KiB multiple.
    expect(harness.drive.uploads.violations).toEqual([]);
    const chunks = harness.drive.requests
      .filter((r) => r.kind === 'chunk')
      .map((r) => /^bytes (\d+)-(\d+)\/(\d+)$/.exec(r.contentRange ?? ''))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ length: Number(m[2]) - Number(m[1]) + 1, last: Number(m[2]) + 1 === Number(m[3]) }));
    expect(chunks.filter((c) => !c.last).every((c) => c.length === 3 * MiB)).toBe(true);
    expect(chunks.filter((c) => !c.last).length).toBe(6);
    // No chunk ever carried a token: the session URI is the credential.
    expect(harness.drive.requests.filter((r) => r.kind === 'chunk' && r.authorized)).toEqual([]);
  });

  it('puts the metadata file beside its video, and into the folders the template names', async () => {
    harness = await DriveHarness.start({ settings: { remoteSubfolderTemplate: '{yyyy}/{connection.name}' } });
    const sidecar = {
      session_id: 'sess-42',
      start_time: '2024-10-26T09:30:00',
      connection_info: { name: 'srv01' },
    };
    const bytes = await harness.writeRecording('rdp-session.mp4', 700 * KiB, sidecar);

    await harness.waitForStates(['rdp-session.mp4'], ['done']);

    const { file, bytes: stored } = await harness.stored('rdp-session.mp4');
    expect(stored.equals(bytes)).toBe(true);
    expect(harness.drive.pathOf(file)).toBe('/Recording Uploader/2024/srv01/rdp-session.mp4');
    expect(file.appProperties.recordingId).toBe('sess-42');
    const [metadata] = harness.drive.stored('rdp-session_metadata.json');
    expect(metadata?.parents).toEqual(file.parents);
    expect(metadata?.appProperties).toMatchObject({ recordingId: 'sess-42', recordingRole: 'metadata' });
    expect(JSON.parse((await harness.drive.content(metadata as never)).toString('utf8'))).toEqual(sidecar);

    // A second recording of the same year and server reuses the folders made for the first.
    await harness.writeRecording('rdp-session-2.mp4', 10 * KiB, { ...sidecar, session_id: 'sess-43' });
    await harness.waitForStates(['rdp-session-2.mp4'], ['done']);
    const second = (await harness.stored('rdp-session-2.mp4')).file;
    expect(second.parents).toEqual(file.parents);
    expect(harness.drive.files.all().filter((f) => f.name === '2024')).toHaveLength(1);
  });

  it('uploads into a folder chosen by id, in a shared drive, with the drive scope', async () => {
    harness = await DriveHarness.start({ settings: { googleDriveScope: 'drive' } });
    const team = harness.drive.addSharedDrive('Operations');
    const target = harness.drive.addFolder('Recordings', team.id);
    const described = await harness.uploader.describeRemoteFolder({
      destination: 'gdrive',
      folderId: target.id,
    });
    expect(described).toMatchObject({
      id: target.id,
      driveId: team.id,
      path: '/Shared drives/Operations/Recordings',
    });
    await harness.uploader.chooseRemoteFolder({
      destination: 'gdrive',
      folder: { id: described.id, driveId: described.driveId, path: described.path },
    });

    const bytes = await harness.writeRecording('shared.mp4', 300 * KiB);
    await harness.waitForStates(['shared.mp4'], ['done']);

    const { file, bytes: stored } = await harness.stored('shared.mp4');
    expect(stored.equals(bytes)).toBe(true);
    expect(file.parents).toEqual([target.id]);
    expect(file.driveId).toBe(team.id);
  });
});
