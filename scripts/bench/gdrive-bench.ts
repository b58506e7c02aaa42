import { createHash, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { CloudPeerProcess } from './cloud-peer-process.ts';
import { curlFragments, type Fragment } from './curl-fragments.ts';
import { runCurl } from './curl-upload.ts';
import { JsonLinesChild } from './json-lines-child.ts';
import type { UploadMeasurement } from './measure-job.ts';
import type { CurlRun } from './onedrive-bench.ts';
import type { TestFile } from './test-files.ts';
import { driverRun } from './uploader-run.ts';

/**
 * The Google Drive path of `npm run bench`: the uploader core sends a recording to the Drive test
 * server (sign-in, a resumable session in 256 KiB-multiple chunks, md5 compared); curl sends the
 * same file to the same server, whole and in the uploader's chunks; md5 throughput says what the
 * verification costs on this CPU.
 */

/** The Google identity and Drive test servers in their own process (gdrive-peer-process.ts). */
export class DrivePeerProcess extends CloudPeerProcess {
  private constructor(child: JsonLinesChild, settings: Record<string, string>) {
    super(child, 'the Drive test server', settings);
  }

  static async start(storeDir: string): Promise<DrivePeerProcess> {
    const script = resolve(import.meta.dirname, 'gdrive-peer-process.ts');
    const child = JsonLinesChild.server('the Drive test server', script, [storeDir]);
    try {
      return new DrivePeerProcess(child, await child.next<Record<string, string>>());
    } catch (error) {
      child.kill();
      throw error;
    }
  }
}

/** The uploader, in a process of its own, signs in to Google and sends `file` to Drive. */
export function driveUploaderRun(
  peer: DrivePeerProcess,
  file: TestFile,
  dataDir: string,
  chunkBytes: number,
  extraArgs: readonly string[] = [],
): Promise<UploadMeasurement> {
  const args = [
    ...extraArgs,
    '--destination',
    'gdrive',
    '--file',
    file.path,
    '--peer',
    JSON.stringify(peer.settings),
    '--chunk-bytes',
    String(chunkBytes),
  ];
  return driverRun('./cloud-upload-driver.ts', args, dataDir);
}

/**
 * A baseline: curl sends the whole file in one PUT to a resumable session (its only, and so last,
 * chunk: Drive allows it). The session is started beside the timing.
 */
export async function curlDriveWhole(peer: DrivePeerProcess, file: TestFile, name: string): Promise<CurlRun> {
  const session = await startSession(peer, file, name);
  const started = performance.now();
  const { stdout, cpuSeconds } = await runCurl(
    [
      '--upload-file',
      file.path,
      '--header',
      `Content-Range: bytes 0-${file.sizeBytes - 1}/${file.sizeBytes}`,
      '--header',
      'Expect:',
      '--output',
      '-',
      '--write-out',
      '\\n%{http_code} %{num_connects}',
      session,
    ],
    null,
  );
  const wallSeconds = (performance.now() - started) / 1000;
  const lines = stdout.trimEnd().split('\n');
  const [status, connects] = (lines.at(-1) ?? '').split(' ').map(Number);
  if (status !== 200 && status !== 201) throw new Error(`curl's whole-file PUT to Drive answered ${status}`);
  return {
    remoteId: idOf(lines.slice(0, -1).join('\n')),
    wallSeconds,
    cpuSeconds,
    connections: connects ?? 0,
  };
}

/** The other baseline: curl sends the uploader's own chunks, in order, over one connection. */
export async function curlDriveChunks(
  peer: DrivePeerProcess,
  file: TestFile,
  fragments: readonly Fragment[],
  name: string,
): Promise<CurlRun> {
  const session = await startSession(peer, file, name);
  const sent = await curlFragments(session, fragments, file.sizeBytes);
  const middle = sent.statuses.slice(0, -1);
  const last = sent.statuses.at(-1);
  if (middle.some((status) => status !== 308) || (last !== 200 && last !== 201)) {
    throw new Error(`curl's chunks to Drive were answered ${[...new Set(sent.statuses)].join(', ')}`);
  }
  return {
    remoteId: idOf(sent.lastBody),
    wallSeconds: sent.wallSeconds,
    cpuSeconds: sent.cpuSeconds,
    connections: sent.connections,
  };
}

async function startSession(peer: DrivePeerProcess, file: TestFile, name: string): Promise<string> {
  const token = await peer.token();
  const start = await fetch(`${peer.settings.driveApiBaseUrl}/upload/drive/v3/files?uploadType=resumable`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'x-upload-content-length': String(file.sizeBytes),
    },
    body: JSON.stringify({ name }),
  });
  await start.body?.cancel();
  const session = start.headers.get('location');
  if (session === null) throw new Error(`the Drive test server answered ${start.status} to a session start`);
  return session;
}

function idOf(body: string): string {
  const file = JSON.parse(body) as { id?: string };
  if (file.id === undefined) throw new Error(`Drive's last answer names no file: ${body.slice(0, 200)}`);
  return file.id;
}

/** How fast Node's crypto hashes md5 on one core, in MB/s (10^6 bytes), best of three. */
export function md5Throughput(totalBytes = 512 * 1024 * 1024): number {
  const piece = randomBytes(16 * 1024 * 1024);
  let best = 0;
  for (let round = 0; round < 3; round += 1) {
    const hash = createHash('md5');
    const started = performance.now();
    for (let done = 0; done < totalBytes; done += piece.byteLength) hash.update(piece);
    hash.digest();
    best = Math.max(best, totalBytes / 1e6 / ((performance.now() - started) / 1000));
  }
  return best;
}
