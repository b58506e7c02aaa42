import { execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { STORAGE_API_TOKEN_ENV } from '../../src-main/core/auth/env-secret-store.ts';
import { dataPaths } from '../../src-main/node-host/data-dir.ts';
import type { JobView } from '../../src-shared/job.ts';
import { jobWatcher } from './bundled-core.ts';
import type { UploadMeasurement } from './measure-job.ts';
import type { PeerHandle } from './peer-handle.ts';
import type { TestFile } from './test-files.ts';
import { uploaderFlags } from './uploader-flags.ts';

const REPO = resolve(import.meta.dirname, '../..');
const ENTRY = join(REPO, 'out', 'headless', 'main.js');
const POLL_MS = 50;

/** Builds the headless host as `npm run headless` does (when stale) and returns its entry. */
export function buildBundledHeadless(): string {
  execFileSync(process.execPath, [join(REPO, 'scripts', 'build-headless.ts'), '--if-stale'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return ENTRY;
}

/**
 * One upload by the headless host as `npm run headless -- run` starts it (the built JavaScript,
 * the shipped flags, the token from the environment), measured from outside like the bundled
 * core: its job's state is read from its database every 50 ms (read-only), CPU and memory from
 * /proc. The throughput carries up to 50 ms of that polling.
 */
export async function bundledHeadlessRun(
  peer: PeerHandle,
  file: TestFile,
  dataDir: string,
  chunkBytes: number,
): Promise<UploadMeasurement> {
  await mkdir(dataDir, { recursive: true });
  const settings = join(dataDir, '..', `${dataDir.split('/').at(-1)}-settings.json`);
  writeFileSync(
    settings,
    JSON.stringify({
      recordingsFolder: resolve(file.path, '..'),
      storageApiBaseUrl: peer.baseUrl,
      settleSeconds: 1,
      // Normal priority, as curl runs (the shipped default yields to other work).
      cpuPriority: 'normal',
      chunkSizeBytes: chunkBytes,
    }),
  );
  const child = spawn(
    process.execPath,
    [...uploaderFlags(), ENTRY, 'run', '--data-dir', dataDir, '--settings', settings],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, [STORAGE_API_TOKEN_ENV]: peer.token },
    },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-2000);
  });
  const fileName = file.path.split('/').at(-1) ?? '';
  let timer: NodeJS.Timeout | undefined;
  let db: Database.Database | null = null;
  try {
    return await new Promise<UploadMeasurement>((resolveRun, reject) => {
      const watch = jobWatcher(child, file, (outcome) => {
        if (outcome instanceof Error) reject(outcome);
        else resolveRun(outcome);
      });
      child.once('exit', (code) =>
        watch(new Error(`the headless host exited (${code}) mid-run: ${stderr.trim() || 'no error output'}`)),
      );
      const database = dataPaths(dataDir).database;
      timer = setInterval(() => {
        if (db === null && existsSync(database)) db = new Database(database, { readonly: true });
        if (db === null) return;
        let row: Pick<JobView, 'state' | 'sizeBytes' | 'remoteId' | 'lastError'> | undefined;
        try {
          row = db
            .prepare(
              'SELECT state, size_bytes AS sizeBytes, remote_id AS remoteId, last_error AS lastError FROM jobs WHERE file_name = ?',
            )
            .get(fileName) as typeof row;
        } catch {
          return; // the host is still creating its tables
        }
        if (row !== undefined) watch({ ...row, fileName } as JobView);
      }, POLL_MS);
    });
  } finally {
    clearInterval(timer);
    (db as Database.Database | null)?.close();
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      // It stops within 10 s with everything persisted; one that does not is not left behind.
      const stuck = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(stuck);
    }
  }
}
