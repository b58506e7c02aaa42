import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  findSidecar,
  findSidecars,
  readSidecar,
  recordingIdOf,
} from '../../src-main/core/watcher/sidecar.ts';
import { makeTempFolder, removeFolder } from '../support/watcher-harness.ts';

let folder = '';

afterEach(async () => {
  await removeFolder(folder);
});

async function files(entries: Record<string, string>): Promise<string> {
  folder = await makeTempFolder('sidecars-');
  for (const [name, content] of Object.entries(entries)) await writeFile(path.join(folder, name), content);
  return folder;
}

const json = (value: unknown) => JSON.stringify(value);

describe('finding a recording sidecar', () => {
  it('prefers NAME_metadata.json over NAME.json', async () => {
    await files({ 'rec.mp4': 'v', 'rec_metadata.json': json({ a: 1 }), 'rec.json': json({ b: 2 }) });
    expect(await findSidecar(path.join(folder, 'rec.mp4'))).toBe(path.join(folder, 'rec_metadata.json'));
  });

  it('takes NAME.json when there is no NAME_metadata.json', async () => {
    await files({ 'rec.mp4': 'v', 'rec.json': json({ b: 2 }), 'other_metadata.json': json({}) });
    expect(await findSidecar(path.join(folder, 'rec.mp4'))).toBe(path.join(folder, 'rec.json'));
  });

  it('pairs by name even when the named file holds no valid JSON', async () => {
    await files({ 'rec.mp4': 'v', 'rec_metadata.json': '{ not json' });
    expect(await findSidecar(path.join(folder, 'rec.mp4'))).toBe(path.join(folder, 'rec_metadata.json'));
  });

  it('finds a JSON file whose session_id is the video name', async () => {
    await files({
      'rdp_123_1729950022.mp4': 'v',
      'a-broken.json': '[',
      'b-unrelated.json': json({ session_id: 'rdp_999' }),
      'c-sidecar.json': json({ session_id: 'rdp_123_1729950022' }),
    });
    expect(await findSidecar(path.join(folder, 'rdp_123_1729950022.mp4'))).toBe(
      path.join(folder, 'c-sidecar.json'),
    );
  });

  it('finds a JSON file whose video_file names the video, as a file name, a path or a bare name', async () => {
    const video = 'session_123_ServerName_20241026_150000.mp4';
    await files({
      [video]: 'v',
      'rdp_123_1729950022.json': json({ session_id: 'rdp_123', video_file: video }),
    });
    const videoPath = path.join(folder, video);
    expect(await findSidecar(videoPath)).toBe(path.join(folder, 'rdp_123_1729950022.json'));

    await writeFile(
      path.join(folder, 'rdp_123_1729950022.json'),
      json({ video_file: `C:\\Recordings\\${video}` }),
    );
    expect(await findSidecar(videoPath)).toBe(path.join(folder, 'rdp_123_1729950022.json'));

    await writeFile(path.join(folder, 'rdp_123_1729950022.json'), json({ video_file: `/srv/rec/${video}` }));
    expect(await findSidecar(videoPath)).toBe(path.join(folder, 'rdp_123_1729950022.json'));

    await writeFile(
      path.join(folder, 'rdp_123_1729950022.json'),
      json({ video_file: 'session_123_ServerName_20241026_150000' }),
    );
    expect(await findSidecar(videoPath)).toBe(path.join(folder, 'rdp_123_1729950022.json'));
  });

  it('takes the first match in file-name order when several JSON files name the video', async () => {
    await files({
      'v.mp4': 'v',
      'z.json': json({ session_id: 'v' }),
      'm.json': json({ video_file: 'v.mp4' }),
    });
    expect(await findSidecar(path.join(folder, 'v.mp4'))).toBe(path.join(folder, 'm.json'));
  });

  it('finds nothing when no JSON file belongs to the video', async () => {
    await files({
      'v.mp4': 'v',
      'w.json': json({ session_id: 'w', video_file: 'w.mp4' }),
      'list.json': json([{ session_id: 'v' }]),
      'v.json.tmp': json({ session_id: 'v' }),
    });
    await mkdir(path.join(folder, 'v_metadata.json'));
    expect(await findSidecar(path.join(folder, 'v.mp4'))).toBeNull();
  });

  it('pairs non-ASCII names, composed or decomposed', async () => {
    const composed = 'séance_Überwachung_日本'.normalize('NFC');
    await files({ [`${composed}.mp4`]: 'v', [`${composed}_metadata.json`]: json({ session_id: composed }) });
    expect(await findSidecar(path.join(folder, `${composed}.mp4`))).toBe(
      path.join(folder, `${composed}_metadata.json`),
    );
    await removeFolder(folder);

    await files({
      [`${composed}.mkv`]: 'v',
      'meta.json': json({ video_file: `${composed}.mkv`.normalize('NFD') }),
    });
    expect(await findSidecar(path.join(folder, `${composed}.mkv`))).toBe(path.join(folder, 'meta.json'));
  });
});

describe('finding the sidecars of recordings that settled together', () => {
  it('answers, from one listing, what finding each on its own answers', async () => {
    const decomposed = 'séance'.normalize('NFD');
    await files({
      'a.mp4': 'v',
      'a_metadata.json': json({}),
      'a.json': json({}),
      'b.mp4': 'v',
      'b.json': '{ not json',
      'c.mp4': 'v',
      'z-c.json': json({ session_id: 'c' }),
      'm-c.json': json({ video_file: 'C:\\rec\\c.mp4' }),
      'd.mp4': 'v',
      'e.mp4': 'v',
      'target.json': json({ note: 'reached through a link' }),
      'f.mp4': 'v',
      'g.mkv': 'v',
      'meta-g.json': json({ video_file: 'g' }),
      [`${decomposed}.mp4`]: 'v',
      'meta-s.json': json({ session_id: decomposed.normalize('NFC') }),
    });
    await mkdir(path.join(folder, 'd_metadata.json'));
    await symlink(path.join(folder, 'target.json'), path.join(folder, 'e.json'));
    await symlink(path.join(folder, 'missing.json'), path.join(folder, 'f.json'));
    const videos = ['a.mp4', 'b.mp4', 'c.mp4', 'd.mp4', 'e.mp4', 'f.mp4', 'g.mkv', `${decomposed}.mp4`];

    const together = await findSidecars(folder, videos);
    const alone = await Promise.all(videos.map((video) => findSidecar(path.join(folder, video))));
    expect(together).toEqual(alone);
    expect(together).toEqual([
      path.join(folder, 'a_metadata.json'),
      path.join(folder, 'b.json'),
      path.join(folder, 'm-c.json'),
      null,
      path.join(folder, 'e.json'),
      null,
      path.join(folder, 'meta-g.json'),
      path.join(folder, 'meta-s.json'),
    ]);
  });
});

describe('reading a recording sidecar', () => {
  it('parses a JSON object, byte-order mark and all, and keeps the bytes it read to send them', async () => {
    const text = `\uFEFF${json({ session_id: 'rdp_1', connection_info: { ip: '192.168.1.100' } })}`;
    await files({ 'rec.json': text });
    const sidecar = await readSidecar(path.join(folder, 'rec.json'));
    expect(sidecar).toEqual({
      path: path.join(folder, 'rec.json'),
      json: { session_id: 'rdp_1', connection_info: { ip: '192.168.1.100' } },
      bytes: Buffer.from(text),
      problem: null,
    });
  });

  it('names the file and the reason when it is not valid JSON', async () => {
    await files({ 'rec_metadata.json': '{"session_id": "rdp_1",' });
    const sidecarPath = path.join(folder, 'rec_metadata.json');
    const sidecar = await readSidecar(sidecarPath);
    expect(sidecar.json).toBeNull();
    expect(sidecar.path).toBe(sidecarPath);
    expect(sidecar.problem).toContain(sidecarPath);
    expect(sidecar.problem).toContain('is not valid JSON');
  });

  it('names the file when it holds JSON that is not an object', async () => {
    await files({ 'array.json': '[1, 2]', 'null.json': 'null', 'text.json': '"text"' });
    for (const [name, found] of [
      ['array.json', 'an array'],
      ['null.json', 'null'],
      ['text.json', 'a string'],
    ] as const) {
      const sidecar = await readSidecar(path.join(folder, name));
      expect(sidecar.json).toBeNull();
      expect(sidecar.problem).toBe(
        `metadata file "${path.join(folder, name)}" is not a JSON object (it holds ${found})`,
      );
    }
  });

  it('names the file when it cannot be read', async () => {
    folder = await makeTempFolder('sidecars-');
    const missing = path.join(folder, 'gone_metadata.json');
    expect(await readSidecar(missing)).toEqual({
      path: missing,
      json: null,
      problem: `metadata file "${missing}" cannot be read: it does not exist`,
    });
    expect((await readSidecar(folder)).problem).toBe(`metadata file "${folder}" is not a file`);
  });

  it('reads a sidecar with a non-ASCII name and content', async () => {
    await files({ 'Überwachung_日本.json': json({ session_id: 'sitzung_ß_日本' }) });
    const sidecar = await readSidecar(path.join(folder, 'Überwachung_日本.json'));
    expect(sidecar.json).toEqual({ session_id: 'sitzung_ß_日本' });
  });
});

describe('a recording id', () => {
  const sidecar = (content: Record<string, unknown> | null) => ({
    path: '/r/x.json',
    json: content,
    problem: null,
  });

  it("is the sidecar's string session_id", () => {
    expect(recordingIdOf('/r/video.mp4', sidecar({ session_id: 'rdp_123_1729950022' }))).toBe(
      'rdp_123_1729950022',
    );
  });

  it('is the video name without extension otherwise', () => {
    expect(recordingIdOf('/r/séance.final.mp4', null)).toBe('séance.final');
    expect(recordingIdOf('/r/video.mp4', sidecar(null))).toBe('video');
    expect(recordingIdOf('/r/video.mp4', sidecar({ session_id: 123 }))).toBe('video');
    expect(recordingIdOf('/r/video.mp4', sidecar({ session_id: '  ' }))).toBe('video');
  });
});
