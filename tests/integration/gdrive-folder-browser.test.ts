import { afterEach, describe, expect, it } from 'vitest';
import { DriveHarness } from '../support/drive-harness.ts';

let harness: DriveHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('the Google Drive folder browser', () => {
  it('lists child folders with the folder query, following every page', async () => {
    harness = await DriveHarness.start({
      connect: false,
      settings: { googleDriveScope: 'drive' },
      drive: { maxPageSize: 2 },
    });
    const h = harness;
    const parent = h.drive.addFolder('Archive');
    const names = ['2021', '2022', '2023', '2024', "O'Brien \\ team"];
    for (const name of names) h.drive.addFolder(name, parent.id);
    h.drive.files.add({
      name: 'not-a-folder.mp4',
      mimeType: 'video/mp4',
      parents: [parent.id],
      appProperties: {},
      trashed: false,
      size: 1,
      md5Checksum: null,
      byApp: false,
      contentPath: null,
    });
    const trashed = h.drive.addFolder('old', parent.id);
    trashed.trashed = true;
    await h.connect();

    const listed = await h.uploader.listRemoteFolders({ destination: 'gdrive', parentId: parent.id });

    expect(listed.map((f) => f.name).sort()).toEqual([...names].sort());
    expect(listed.find((f) => f.name === '2023')?.path).toBe('/Archive/2023');
    const lists = h.drive.requests.filter(
      (r) => r.kind === 'list' && (r.query.q ?? '').startsWith(`'${parent.id}'`),
    );
    expect(lists).toHaveLength(3);
    expect(lists[0]?.query).toMatchObject({
      q: `'${parent.id}' in parents and mimeType='application/vnd.google-apps.folder' and trashed=false`,
      fields: 'nextPageToken,files(id,name,driveId)',
      supportsAllDrives: 'true',
      includeItemsFromAllDrives: 'true',
    });
    expect(lists[0]?.query.pageToken).toBeUndefined();
    expect(lists[1]?.query.pageToken).toBeDefined();
  });

  it('shows shared drives beside My Drive’s folders, and their folders with their paths', async () => {
    harness = await DriveHarness.start({ connect: false, settings: { googleDriveScope: 'drive' } });
    const h = harness;
    h.drive.addFolder('Personal');
    const team = h.drive.addSharedDrive('Operations');
    const inTeam = h.drive.addFolder('Recordings', team.id);
    await h.connect();

    const top = await h.uploader.listRemoteFolders({ destination: 'gdrive', parentId: null });
    expect(top.map((f) => f.path)).toEqual(
      expect.arrayContaining(['/Personal', '/Recording Uploader', '/Shared drives/Operations']),
    );
    expect(top.find((f) => f.name === 'Operations')).toMatchObject({ id: team.id, driveId: team.id });

    const inside = await h.uploader.listRemoteFolders({ destination: 'gdrive', parentId: team.id });
    expect(inside).toEqual([
      { id: inTeam.id, driveId: team.id, name: 'Recordings', path: '/Shared drives/Operations/Recordings' },
    ]);
  });

  it('creates a folder and describes it by id with its whole path', async () => {
    harness = await DriveHarness.start();
    const h = harness;
    const appFolder = h.uploader.settings.googleDriveFolder?.id as string;
    const made = await h.uploader.createRemoteFolder({
      destination: 'gdrive',
      parentId: appFolder,
      name: 'Site A',
    });
    const deeper = await h.uploader.createRemoteFolder({
      destination: 'gdrive',
      parentId: made.id,
      name: 'Desk 7',
    });
    expect(made.path).toBe('/Recording Uploader/Site A');
    expect(h.drive.files.get(deeper.id)).toMatchObject({ name: 'Desk 7', parents: [made.id], byApp: true });

    // Described afresh by another uploader: the path is rebuilt by walking up the parents.
    await h.restart();
    const described = await h.uploader.describeRemoteFolder({ destination: 'gdrive', folderId: deeper.id });
    expect(described).toEqual({
      id: deeper.id,
      driveId: null,
      name: 'Desk 7',
      path: '/Recording Uploader/Site A/Desk 7',
    });
  });

  it('says why an id cannot be used: unknown, a file, or out of reach of drive.file', async () => {
    harness = await DriveHarness.start();
    const h = harness;
    const theirs = h.drive.addFolder('Made in the Drive web app');
    const file = h.drive.files.add({
      name: 'clip.mp4',
      mimeType: 'video/mp4',
      parents: [h.drive.rootId],
      appProperties: {},
      trashed: false,
      size: 1,
      md5Checksum: null,
      byApp: true,
      contentPath: null,
    });
    await expect(
      h.uploader.describeRemoteFolder({ destination: 'gdrive', folderId: 'no-such-id' }),
    ).rejects.toThrow(/no folder no-such-id/);
    await expect(
      h.uploader.describeRemoteFolder({ destination: 'gdrive', folderId: file.id }),
    ).rejects.toThrow(/"clip\.mp4"\) is a file, not a folder/);
    await expect(
      h.uploader.describeRemoteFolder({ destination: 'gdrive', folderId: theirs.id }),
    ).rejects.toThrow(/googleDriveScope to "drive"/);
  });

  it('falls back to its own folder when the chosen one was deleted, and a chosen folder gone at upload time fails with a reason', async () => {
    harness = await DriveHarness.start({ settings: { googleDriveScope: 'drive' } });
    const h = harness;
    const chosen = h.drive.addFolder('Chosen');
    await h.uploader.chooseRemoteFolder({
      destination: 'gdrive',
      folder: { id: chosen.id, driveId: null, path: '/Chosen' },
    });
    h.drive.files.delete(chosen.id);

    await h.writeRecording('orphan.mp4', 1000);
    const [job] = await h.waitForStates(['orphan.mp4'], ['failed']);
    expect(job?.lastError).toMatch(/folder \/Chosen no longer exists .*choose another folder/);

    // Signing in again notices the chosen folder is gone and goes back to the app's own.
    await h.connect();
    expect(h.uploader.settings.googleDriveFolder?.path).toBe('/Recording Uploader');
    h.uploader.retry({ jobId: job?.id as number });
    await h.waitForStates(['orphan.mp4'], ['done']);
    expect(h.drive.pathOf(h.drive.stored('orphan.mp4')[0] as never)).toBe('/Recording Uploader/orphan.mp4');
  });

  it('makes its own folder again when it was deleted in Drive', async () => {
    harness = await DriveHarness.start();
    const h = harness;
    const first = h.uploader.settings.googleDriveFolder?.id as string;
    h.drive.files.delete(first);

    await h.writeRecording('again.mp4', 1000);
    await h.waitForStates(['again.mp4'], ['done']);

    const now = h.uploader.settings.googleDriveFolder;
    expect(now?.id).not.toBe(first);
    expect(h.drive.pathOf(h.drive.stored('again.mp4')[0] as never)).toBe('/Recording Uploader/again.mp4');
  });
});
