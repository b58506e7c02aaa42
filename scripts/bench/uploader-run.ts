import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { STORAGE_API_TOKEN_ENV } from '../../src-main/core/auth/env-secret-store.ts';
import { JsonLinesChild } from './json-lines-child.ts';
import type { UploadMeasurement } from './measure-job.ts';
import type { PeerHandle } from './peer-handle.ts';
import type { TestFile } from './test-files.ts';
import { uploaderFlags } from './uploader-flags.ts';

/**
 * Runs one upload driver (upload-driver.ts, cloud-upload-driver.ts) in a fresh process with a
 * fresh data folder, so each run pays its own start-up and nothing learnt by an earlier run (a
 * session, a done job, a sign-in) is reused. Returns what the driver measured of itself.
 */
export async function driverRun<T extends object = UploadMeasurement>(
  script: string,
  args: readonly string[],
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  // Started as the headless host is (npm run headless), with the same runtime flags.
  const child = new JsonLinesChild(
    'the uploader',
    path,
    ['--data-dir', dataDir, ...args],
    env,
    uploaderFlags(),
  );
  try {
    const result = await child.next<T | { error: string }>();
    if ('error' in result) throw new Error(result.error);
    await child.exited();
    return result;
  } finally {
    child.kill();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The uploader sending `file` to a storage API peer, token from the environment. */
export function uploaderRun(
  peer: PeerHandle,
  file: TestFile,
  dataDir: string,
  chunkBytes: number | null,
): Promise<UploadMeasurement> {
  const args = ['--file', file.path, '--base-url', peer.baseUrl];
  if (chunkBytes !== null) args.push('--chunk-bytes', String(chunkBytes));
  return driverRun('./upload-driver.ts', args, dataDir, {
    ...process.env,
    [STORAGE_API_TOKEN_ENV]: peer.token,
  });
}
