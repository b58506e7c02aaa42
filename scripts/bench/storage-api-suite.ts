import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RemoteSession } from '../../src-main/core/destinations/destination.ts';
import { chunkLength } from '../../src-main/core/transfer/upload-recording.ts';
import { bundledCoreRun } from './bundled-core.ts';
import { bundledHeadlessRun } from './bundled-headless.ts';
import { cutFragments } from './curl-fragments.ts';
import { curlChunks, curlUpload } from './curl-upload.ts';
import type { UploadMeasurement } from './measure-job.ts';
import { PeerHandle, type PeerMode } from './peer-handle.ts';
import type { BenchCase } from './report.ts';
import {
  type BenchContext,
  curlResult,
  type Landed,
  type RunnableCase,
  type Suite,
  uploaderResult,
} from './suite.ts';
import type { TestFile } from './test-files.ts';
import { uploaderRun } from './uploader-run.ts';

/** Every chunked upload aims at this share of curl's throughput sending the same chunks. */
export const CHUNKED_AIM = 0.95;

type Run = (
  peer: PeerHandle,
  file: TestFile,
  round: number,
) => Promise<{ remoteId: string; landed: Landed['result'] }>;

interface CaseSpec extends Omit<BenchCase, 'destination'> {
  mode: PeerMode;
  run: Run;
}

/**
 * The storage API: the uploader (the headless host running the TypeScript sources, and the
 * desktop app's bundled core process when `bundledEntry` is given) in resumable and
 * single-request mode, against curl sending the same file to the same server in one request.
 */
export async function startStorageApiSuite(
  ctx: BenchContext,
  bundledEntry: string | null,
  bundledHeadless = false,
): Promise<Suite> {
  let dataDirs = 0;
  const dataDir = (): string => {
    dataDirs += 1;
    return join(ctx.workDir, `data-${dataDirs}`);
  };
  const uploader: Run = async (peer, file) => {
    const chunk = peer.mode === 'resumable' ? ctx.chunkBytes : null;
    return fromUploader(await uploaderRun(peer, file, dataDir(), chunk));
  };
  const curl: Run = async (peer, file, round) => {
    const sent = await curlUpload(peer, file, `bench-curl-${peer.mode}-${round}`);
    return { remoteId: sent.remoteId, landed: curlResult(sent, file) };
  };
  const chunkBytes = storageChunkBytes(ctx.chunkBytes);
  const fragments = await cutFragments(ctx.files.large, chunkBytes, join(ctx.workDir, 'chunks'));
  ctx.log(
    `cut the ${ctx.files.large.sizeBytes / 2 ** 20} MiB file into ${fragments.length} storage API chunks`,
  );
  const curlSameChunks: Run = async (peer, file, round) => {
    const sent = await curlChunks(peer, file, fragments, `bench-curl-chunks-${round}`, ctx.workDir);
    return { remoteId: sent.remoteId, landed: curlResult(sent, file) };
  };
  const headless: Run = async (peer, file) =>
    fromUploader(await bundledHeadlessRun(peer, file, dataDir(), ctx.chunkBytes));
  const bundled: Run = async (peer, file) =>
    fromUploader(await bundledCoreRun(bundledEntry as string, peer, file, dataDir(), ctx.chunkBytes));

  const specs: CaseSpec[] = [
    {
      id: 'storage-chunks-small',
      label: 'uploader, chunks',
      server: 'resumable',
      mode: 'resumable',
      tool: 'uploader',
      size: 'small',
      baseline: null,
      run: uploader,
    },
    {
      id: 'storage-chunks-large',
      label: 'uploader, chunks',
      server: 'resumable',
      mode: 'resumable',
      tool: 'uploader',
      size: 'large',
      baseline: 'storage-curl-chunks',
      alsoComparedWith: ['storage-curl-put'],
      aimRatio: CHUNKED_AIM,
      run: uploader,
    },
    {
      id: 'storage-curl-chunks',
      label: `curl, the same ${chunkBytes / 2 ** 20} MiB chunks`,
      server: 'resumable',
      mode: 'resumable',
      tool: 'curl',
      size: 'large',
      baseline: null,
      run: curlSameChunks,
    },
    {
      id: 'storage-curl-put',
      label: 'curl, whole file in one PUT',
      server: 'resumable',
      mode: 'resumable',
      tool: 'curl',
      size: 'large',
      baseline: null,
      run: curl,
    },
    {
      id: 'storage-single-large',
      label: 'uploader, one multipart POST',
      server: 'single',
      mode: 'single',
      tool: 'uploader',
      size: 'large',
      baseline: 'storage-curl-multipart',
      aimRatio: 0.9,
      run: uploader,
    },
    {
      id: 'storage-curl-multipart',
      label: 'curl, one multipart POST',
      server: 'single',
      mode: 'single',
      tool: 'curl',
      size: 'large',
      baseline: null,
      run: curl,
    },
  ];
  if (bundledEntry !== null) {
    specs.push(
      {
        id: 'storage-bundled-small',
        label: 'bundled core process, chunks',
        server: 'resumable',
        mode: 'resumable',
        tool: 'uploader',
        size: 'small',
        baseline: null,
        bundled: true,
        run: bundled,
      },
      {
        id: 'storage-bundled-large',
        label: 'bundled core process, chunks',
        server: 'resumable',
        mode: 'resumable',
        tool: 'uploader',
        size: 'large',
        baseline: 'storage-curl-chunks',
        alsoComparedWith: ['storage-curl-put'],
        aimRatio: CHUNKED_AIM,
        bundled: true,
        run: bundled,
      },
    );
  }

  if (bundledHeadless) {
    for (const size of ['small', 'large'] as const) {
      specs.push({
        id: `storage-headless-${size}`,
        label: 'headless host as it ships, chunks',
        server: 'resumable',
        mode: 'resumable',
        tool: 'uploader',
        size,
        baseline: size === 'large' ? 'storage-curl-chunks' : null,
        ...(size === 'large' ? { aimRatio: CHUNKED_AIM } : {}),
        headlessBundle: true,
        run: headless,
      });
    }
  }

  const peers = new Map<PeerMode, PeerHandle>();
  try {
    for (const mode of ['resumable', 'single'] as const) {
      const store = join(ctx.storeDir, mode);
      mkdirSync(store);
      peers.set(mode, await PeerHandle.start(mode, store));
    }
  } catch (error) {
    for (const peer of peers.values()) peer.kill();
    throw error;
  }
  const cases = specs.map(({ mode, run, ...bench }): RunnableCase => {
    const peer = peers.get(mode) as PeerHandle;
    const file = ctx.files[bench.size];
    return {
      bench: { ...bench, destination: 'storage-api' },
      file,
      serverCpuSeconds: () => peer.cpuSeconds(),
      run: async (round) => {
        const { remoteId, landed } = await run(peer, file, round);
        return {
          result: landed,
          storedPath: (await peer.stored(remoteId)).path,
          discard: () => peer.delete(remoteId),
        };
      },
    };
  });
  return {
    cases,
    close: async () => {
      await Promise.allSettled([...peers.values()].map((peer) => peer.close()));
    },
    kill: () => {
      for (const peer of peers.values()) peer.kill();
    },
  };
}

/** The bytes the uploader puts in each chunk: a multiple of the bench server's chunk_size. */
export const STORAGE_SERVER_CHUNK_BYTES = 5 * 1024 * 1024;
export const storageChunkBytes = (chunkBytes: number): number => chunkLength(storageSession, chunkBytes);
const storageSession: RemoteSession = {
  mode: 'chunked',
  chunkMultiple: STORAGE_SERVER_CHUNK_BYTES,
  maxChunkBytes: null,
  expiresAt: null,
  state: {},
};

function fromUploader(measured: UploadMeasurement): { remoteId: string; landed: Landed['result'] } {
  return { remoteId: measured.remoteId, landed: uploaderResult(measured) };
}
