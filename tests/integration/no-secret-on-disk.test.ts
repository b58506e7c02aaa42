import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileLogger, LOG_FILE_NAME } from '../../src-main/core/logging/file-logger.ts';
import type { JobView } from '../../src-shared/job.ts';
import { chunkStart, tapFetch } from '../support/fetch-tap.ts';
import { UploaderHarness } from '../support/uploader-harness.ts';

const MiB = 1024 * 1024;
const NAMES = ['secret-scan-1.mp4', 'secret-scan-2.mp4', 'secret-scan-3.mp4'];
const OLD_TOKEN = `tok_old_${randomBytes(16).toString('hex')}`;
/** Past the keychain's inline limit: this one is stored by envelope, sealed in the data folder. */
const NEW_TOKEN = `tok_new_${randomBytes(700).toString('hex')}`;

let harness: UploaderHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** The whole token, and a piece of it, in the encodings a leak would take. */
function needles(token: string): Array<{ what: string; bytes: Buffer }> {
  const piece = token.slice(8, 40);
  return [
    { what: 'the token', bytes: Buffer.from(token, 'utf8') },
    { what: 'a piece of the token', bytes: Buffer.from(piece, 'utf8') },
    { what: 'a piece of the token in UTF-16', bytes: Buffer.from(piece, 'utf16le') },
  ];
}

function leaks(haystack: Buffer): string[] {
  const found: string[] = [];
  for (const [name, token] of [
    ['old', OLD_TOKEN],
    ['new', NEW_TOKEN],
  ] as const) {
    for (const needle of needles(token)) {
      if (haystack.includes(needle.bytes)) found.push(`${needle.what} (${name})`);
    }
  }
  return found;
}

describe('no secret on disk', () => {
  it('after faults and a revoked token, no token is in the data folder, the logs or the server’s log', async () => {
    let acknowledged = 0;
    const h = await UploaderHarness.start({
      peer: { chunkSize: 256 * 1024, token: OLD_TOKEN },
      settings: { chunkSizeBytes: MiB, maxConcurrentUploads: 2, maxRetries: 5 },
      logger: (dataDir) => createFileLogger({ dir: join(dataDir, 'logs'), level: 'debug' }),
      fetch: tapFetch((exchange) => {
        if (chunkStart(exchange) === null || exchange.status !== 308) return;
        acknowledged += 1;
        if (acknowledged === 4) harness?.peer.setToken(NEW_TOKEN);
      }),
    });
    harness = h;
    h.peer.faults.serverErrors(2, 500, ['chunk']);
    h.peer.faults.resetMidChunk(1);
    for (const name of NAMES) await h.writeRecording(name, 6 * MiB, { session_id: name });

    await h.waitForStates(NAMES, ['needs-auth', 'done']);
    expect(h.jobs().some((job) => job.state === 'needs-auth')).toBe(true);
    const tested = await h.uploader.testConnection({ destination: 'storage-api' });
    await h.uploader.setStorageApiToken({ token: NEW_TOKEN });
    await h.waitForStates(NAMES, ['done']);
    await h.uploader.stop();

    // The run really went through the faults and the revocation, and really logged.
    const faultsSeen = new Set(h.peer.requests.map((r) => r.fault));
    expect(faultsSeen).toEqual(new Set([null, 'server-error', 'reset']));
    expect(h.peer.requests.some((r) => r.status === 401)).toBe(true);
    const updates = h.events.filter((e) => e.event === 'job-updated').map((e) => e.payload as JobView);
    expect(updates.some((job) => job.state === 'needs-auth')).toBe(true);
    const log = await readFile(join(h.dataDir, 'logs', LOG_FILE_NAME), 'utf8');
    expect(log).toContain('credentials rejected');
    expect(log).toContain('upload verified');

    const files = await filesUnder(h.dataDir);
    const names = files.map((file) => file.slice(h.dataDir.length + 1));
    expect(names).toEqual(
      expect.arrayContaining(['uploader.db', 'uploader.db-wal', join('logs', LOG_FILE_NAME)]),
    );
    // The new token was sealed into the secrets folder: the scan covers that blob too.
    expect(names.some((name) => name.startsWith(`secrets${sep}`))).toBe(true);
    for (const file of files) expect(leaks(await readFile(file)), file).toEqual([]);

    expect(leaks(Buffer.from(JSON.stringify(h.peer.requests))), 'server request log').toEqual([]);
    expect(leaks(Buffer.from(JSON.stringify(h.events))), 'bridge events').toEqual([]);
    expect(leaks(Buffer.from(JSON.stringify(tested))), 'connection view').toEqual([]);
  });
});
