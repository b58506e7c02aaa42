import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { STORAGE_API_TOKEN_ENV } from '../../src-main/core/auth/env-secret-store.ts';
import { JsonLinesChild } from './json-lines-child.ts';
import type { PeerHandle } from './peer-handle.ts';
import type { TestFile } from './test-files.ts';
import type { UploadMeasurement } from './upload-driver.ts';

/**
 * One upload by the real uploader in a fresh process with a fresh data folder, so each run pays
 * its own start-up and nothing learnt by an earlier run (a session, a done job) is reused.
 */
export async function uploaderRun(
  peer: PeerHandle,
  file: TestFile,
  dataDir: string,
  chunkBytes: number | null,
): Promise<UploadMeasurement> {
  const script = fileURLToPath(new URL('./upload-driver.ts', import.meta.url));
  const args = ['--file', file.path, '--base-url', peer.baseUrl, '--data-dir', dataDir];
  if (chunkBytes !== null) args.push('--chunk-bytes', String(chunkBytes));
  const env = { ...process.env, [STORAGE_API_TOKEN_ENV]: peer.token };
  const child = new JsonLinesChild('the uploader', script, args, env);
  try {
    const result = await child.next<UploadMeasurement | { error: string }>();
    if ('error' in result) throw new Error(result.error);
    await child.exited();
    return result;
  } finally {
    child.kill();
    await rm(dataDir, { recursive: true, force: true });
  }
}
