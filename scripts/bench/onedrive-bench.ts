import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { QuickXorHash } from '../../src-main/core/destinations/onedrive/quick-xor-hash.ts';
import { CloudPeerProcess } from './cloud-peer-process.ts';
import { curlFragments, type Fragment } from './curl-fragments.ts';
import { JsonLinesChild } from './json-lines-child.ts';
import type { UploadMeasurement } from './measure-job.ts';
import type { TestFile } from './test-files.ts';
import { driverRun } from './uploader-run.ts';

/**
 * The OneDrive path of `npm run bench`: the uploader core sends a recording to the Graph test
 * server (sign-in through the identity provider, an upload session, quickXorHash compared), curl
 * sends the same fragments to the same server, and quickXorHash throughput says whether the hash
 * could ever hold an upload back.
 */

interface Hello {
  settings: Record<string, string>;
  certificate: string;
}

/** The identity provider and Graph test server in their own process (onedrive-peer-process.ts). */
export class GraphPeerProcess extends CloudPeerProcess {
  /** The identity provider's certificate, for NODE_EXTRA_CA_CERTS. */
  readonly certificatePath: string;

  private constructor(child: JsonLinesChild, settings: Record<string, string>, certificatePath: string) {
    super(child, 'the Graph test server', settings);
    this.certificatePath = certificatePath;
  }

  /** Serves from `storeDir`; the certificate is written into `workDir`. */
  static async start(storeDir: string, workDir: string): Promise<GraphPeerProcess> {
    const script = resolve(import.meta.dirname, 'onedrive-peer-process.ts');
    const child = JsonLinesChild.server('the Graph test server', script, [storeDir]);
    try {
      const hello = await child.next<Hello>();
      const certificatePath = join(workDir, 'identity-provider-ca.pem');
      writeFileSync(certificatePath, hello.certificate);
      return new GraphPeerProcess(child, hello.settings, certificatePath);
    } catch (error) {
      child.kill();
      throw error;
    }
  }
}

/** The uploader, in a process of its own, signs in and sends `file` to the Graph test server. */
export function oneDriveUploaderRun(
  peer: GraphPeerProcess,
  file: TestFile,
  dataDir: string,
  chunkBytes: number,
  extraArgs: readonly string[] = [],
): Promise<UploadMeasurement> {
  const args = [
    ...extraArgs,
    '--destination',
    'onedrive',
    '--file',
    file.path,
    '--peer',
    JSON.stringify(peer.settings),
    '--chunk-bytes',
    String(chunkBytes),
  ];
  return driverRun('./cloud-upload-driver.ts', args, dataDir, {
    ...process.env,
    NODE_EXTRA_CA_CERTS: peer.certificatePath,
  });
}

export interface CurlRun {
  remoteId: string;
  wallSeconds: number;
  cpuSeconds: number | null;
  /** TCP connections curl opened, where it was counted. */
  connections: number | null;
}

/**
 * The baseline. Graph takes no whole 1 GiB file in one request (fragments must be under 60 MiB,
 * in multiples of 320 KiB), so curl sends the uploader's own fragments, in order, over one
 * kept-alive connection, each after the answer to the one before. The upload session is opened
 * beside the timing, as the uploader's is not timed before its job starts uploading either.
 */
export async function curlGraphUpload(
  peer: GraphPeerProcess,
  file: TestFile,
  fragments: readonly Fragment[],
  name: string,
): Promise<CurlRun> {
  const token = await peer.token();
  const graph = peer.settings.graphBaseUrl as string;
  const created = await fetch(`${graph}/me/drive/root:/${encodeURIComponent(name)}:/createUploadSession`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ item: { '@microsoft.graph.conflictBehavior': 'replace' } }),
  });
  const session = (await created.json()) as { uploadUrl?: string };
  if (session.uploadUrl === undefined)
    throw new Error(`the Graph test server answered ${created.status} to createUploadSession`);
  const sent = await curlFragments(session.uploadUrl, fragments, file.sizeBytes);
  const middle = sent.statuses.slice(0, -1);
  const last = sent.statuses.at(-1);
  if (middle.some((status) => status !== 202) || (last !== 200 && last !== 201)) {
    throw new Error(`curl's fragments to Graph were answered ${summarize(sent.statuses)}`);
  }
  const item = JSON.parse(sent.lastBody) as { id?: string };
  if (item.id === undefined)
    throw new Error(`Graph's last answer names no item: ${sent.lastBody.slice(0, 200)}`);
  return {
    remoteId: item.id,
    wallSeconds: sent.wallSeconds,
    cpuSeconds: sent.cpuSeconds,
    connections: sent.connections,
  };
}

/** quickXorHash throughput in MB/s (10^6 bytes a second) on one core, fed 10 MiB pieces, best of three. */
export function quickXorHashThroughput(totalBytes = 512 * 1024 * 1024): number {
  const piece = randomBytes(10 * 1024 * 1024);
  new QuickXorHash().update(piece); // warm-up: the first pass also compiles the folding loop
  let best = 0;
  for (let round = 0; round < 3; round += 1) {
    const hash = new QuickXorHash();
    const started = performance.now();
    for (let done = 0; done < totalBytes; done += piece.length) {
      hash.update(piece.subarray(0, Math.min(piece.length, totalBytes - done)));
    }
    hash.digest();
    best = Math.max(best, totalBytes / 1e6 / ((performance.now() - started) / 1000));
  }
  return best;
}

function summarize(statuses: readonly number[]): string {
  const counts = new Map<number, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts].map(([status, count]) => `${count}× ${status}`).join(', ');
}

export const curlFileName = (file: TestFile, round: number): string => `curl-${round}-${basename(file.path)}`;
