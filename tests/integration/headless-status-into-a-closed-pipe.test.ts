import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src-main/core/host-services.ts';
import { openDatabase } from '../../src-main/core/store/database.ts';
import { SqliteJobStore } from '../../src-main/core/store/job-store.ts';
import { CORE_RUNTIME_FLAGS } from '../../src-main/core-process/core-runtime-flags.ts';
import { childEnv } from '../support/headless-cli.ts';
import { HeadlessFixture } from '../support/headless-fixture.ts';

const REPO = resolve(import.meta.dirname, '../..');
let fixture: HeadlessFixture | undefined;

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('status piped into head', () => {
  it('ends quietly when the reader closes the pipe before it is done', async () => {
    fixture = await HeadlessFixture.start();
    const db = openDatabase(join(fixture.dataDir, 'uploader.db'));
    const store = new SqliteJobStore(db, systemClock);
    for (let i = 0; i < 1000; i++) {
      store.enqueue(
        { path: join(fixture.folder, `r${i}.mp4`), sizeBytes: i, mtimeMs: i, sidecarPath: null },
        'storage-api',
      );
    }
    db.close();
    const main = ['node', ...CORE_RUNTIME_FLAGS, 'src-main/headless/main.ts'].join(' ');
    const shell = spawn('sh', ['-c', `${main} status --data-dir '${fixture.dataDir}' | true`], {
      cwd: REPO,
      env: childEnv(),
    });
    let out = '';
    let err = '';
    shell.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    shell.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    await new Promise((done) => shell.once('close', done));
    // `true` reads nothing and leaves at once: every line status prints finds the pipe closed.
    expect(out).toBe('');
    expect(err).toBe('');
  });
});
