import { afterEach, describe, expect, it } from 'vitest';
import { referenceQuickXor } from '../peers/quick-xor-reference.ts';
import { OneDriveHarness } from '../support/onedrive-harness.ts';

const KIB320 = 320 * 1024;
const MIB = 1024 * 1024;
const SIZES: Array<[string, number]> = [
  ['empty.mp4', 0],
  ['one-byte.mp4', 1],
  ['four-mib.mp4', 4 * MIB],
  ['four-mib-plus-one.mp4', 4 * MIB + 1],
  ['fragments-minus-one.mp4', 15 * KIB320 - 1],
  ['fragments.mp4', 15 * KIB320],
  ['fragments-plus-one.mp4', 15 * KIB320 + 1],
  ['twenty-mib.mp4', 20 * MIB + 12_345],
];

describe('OneDrive uploads', () => {
  let harness: OneDriveHarness | undefined;
  afterEach(async () => {
    await harness?.close();
  });

  it('signs in, picks a folder and lands recordings of every size byte-identical with matching quickXorHash', {
    timeout: 90_000,
  }, async () => {
    harness = await OneDriveHarness.start({
      settings: { remoteSubfolderTemplate: '{connection.name}/{yyyy}' },
      graph: { pageSize: 2 },
    });
    const { graph, uploader } = harness;
    for (const name of ['Archive', 'Meetings', 'Projects']) graph.makeFolders(name);

    const view = await harness.connect();
    expect(view.state).toBe('connected');
    expect(view.label).toBe(`${harness.idp.user.name} (${harness.idp.user.preferredUsername})`);
    expect(view.detail).toMatch(/^OneDrive business, [\d.,]+ TiB free$/);

    // The folder picker pages through children 2 at a time and shows only folders.
    const created = await uploader.createRemoteFolder({
      destination: 'onedrive',
      parentId: null,
      name: 'Session Recordings',
    });
    const top = await uploader.listRemoteFolders({ destination: 'onedrive', parentId: null });
    expect(top.map((f) => f.path)).toEqual(['/Archive', '/Meetings', '/Projects', '/Session Recordings']);
    expect(graph.requests.filter((r) => r.path.endsWith('/children') && r.method === 'GET').length).toBe(2);
    const chosen = await uploader.describeRemoteFolder({ destination: 'onedrive', folderId: created.id });
    await uploader.chooseRemoteFolder({
      destination: 'onedrive',
      folder: { id: chosen.id, driveId: chosen.driveId, path: chosen.path },
    });

    const written = new Map<string, Buffer>();
    for (const [name, size] of SIZES) {
      const sidecar = {
        session_id: name,
        start_time: '2024-10-26T09:15:00Z',
        connection_info: { name: 'srv/01' },
      };
      written.set(
        name,
        await harness.writeRecording(name, size, name === 'one-byte.mp4' ? sidecar : undefined),
      );
    }
    written.set('rec: 1?.mp4', await harness.writeRecording('rec: 1?.mp4', 1000));

    const names = [...written.keys()];
    const jobs = await harness.waitForStates(names, ['done'], 60_000);

    const year = String(new Date().getFullYear());
    for (const [name, bytes] of written) {
      const storedName = name === 'rec: 1?.mp4' ? 'rec_ 1_.mp4' : name;
      const folder =
        name === 'one-byte.mp4' ? '/Session Recordings/srv_01/2024' : `/Session Recordings/unknown/${year}`;
      const item = graph.fileAt(`${folder}/${storedName}`);
      expect(item, `${folder}/${storedName}`).toBeDefined();
      const stored = await graph.drive.read(item?.id as string);
      expect(stored.equals(bytes), name).toBe(true);
      expect(item?.quickXorHash, name).toBe(referenceQuickXor(bytes));
      expect(jobs.find((j) => j.fileName === name)?.remoteId ?? harness.job(name)?.remoteId).toBe(item?.id);
    }
    // The sidecar sits beside its video, under the same name rules.
    const sidecar = graph.fileAt('/Session Recordings/srv_01/2024/one-byte_metadata.json');
    expect(sidecar).toBeDefined();
    // Each recording and the sidecar once (receipts, placed after each is verified, are files of their own).
    const receipt = /\.receipt\.json$/;
    expect(graph.files().filter((f) => !receipt.test(f.name))).toHaveLength(written.size + 1);

    const uploads = graph.requests.filter((r) => r.kind === 'upload');
    expect(uploads.every((r) => !r.authorization)).toBe(true);
    const fragments = uploads.filter((r) => r.method === 'PUT' && r.status === 202);
    expect(fragments.length).toBeGreaterThan(10);
    for (const fragment of fragments) {
      const [, start, end] = /^bytes (\d+)-(\d+)\//.exec(fragment.contentRange ?? '') ?? [];
      expect((Number(end) - Number(start) + 1) % KIB320).toBe(0);
    }
    const simple = graph.requests.filter(
      (r) =>
        r.method === 'PUT' &&
        r.path.endsWith('/content') &&
        !decodeURIComponent(r.path).includes('.receipt.json'),
    );
    // 0 B, 1 B, 4 MiB, the 1000-byte one, and the sidecar: one request each; larger ones use sessions.
    expect(simple).toHaveLength(5);
    const sessions = graph.requests.filter((r) => r.path.endsWith('/createUploadSession'));
    expect(sessions).toHaveLength(5);
  });
});
