import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bundledCoreRun } from './bundled-core.ts';
import { curlUpload } from './curl-upload.ts';
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
export async function startStorageApiSuite(ctx: BenchContext, bundledEntry: string | null): Promise<Suite> {
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
    return { remoteId: sent.remoteId, landed: curlResult({ ...sent, connections: null }, file) };
  };
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
      baseline: 'storage-curl-put',
      run: uploader,
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
        run: bundled,
      },
      {
        id: 'storage-bundled-large',
        label: 'bundled core process, chunks',
        server: 'resumable',
        mode: 'resumable',
        tool: 'uploader',
        size: 'large',
        baseline: 'storage-curl-put',
        run: bundled,
      },
    );
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

function fromUploader(measured: UploadMeasurement): { remoteId: string; landed: Landed['result'] } {
  return { remoteId: measured.remoteId, landed: uploaderResult(measured) };
}
