import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RemoteSession } from '../../src-main/core/destinations/destination.ts';
import { DRIVE_CHUNK_MULTIPLE } from '../../src-main/core/destinations/gdrive/drive-destination.ts';
import {
  FRAGMENT_MAX,
  FRAGMENT_MULTIPLE,
} from '../../src-main/core/destinations/onedrive/onedrive-destination.ts';
import { chunkLength } from '../../src-main/core/transfer/upload-recording.ts';
import { defaultSettings } from '../../src-shared/settings.ts';
import { cutFragments } from './curl-fragments.ts';
import { curlDriveChunks, curlDriveWhole, DrivePeerProcess, driveUploaderRun } from './gdrive-bench.ts';
import type { UploadMeasurement } from './measure-job.ts';
import { type CurlRun, curlGraphUpload, GraphPeerProcess, oneDriveUploaderRun } from './onedrive-bench.ts';
import type { BenchCase } from './report.ts';
import { CHUNKED_AIM } from './storage-api-suite.ts';
import { type BenchContext, curlResult, type RunnableCase, type Suite, uploaderResult } from './suite.ts';
import type { TestFile } from './test-files.ts';

/** The session shape the uploader's chunk loop sizes its chunks by. */
const sessionOf = (chunkMultiple: number, maxChunkBytes: number): RemoteSession => ({
  mode: 'chunked',
  chunkMultiple,
  maxChunkBytes,
  expiresAt: null,
  state: {},
});

/** The bytes the uploader puts in each Graph upload session fragment for this chunk setting. */
export const graphFragmentBytes = (chunkBytes: number): number =>
  chunkLength(sessionOf(FRAGMENT_MULTIPLE, FRAGMENT_MAX), chunkBytes);

/** The bytes the uploader puts in each Drive chunk: the Drive chunk setting caps the chunk size. */
export const driveChunkBytes = (chunkBytes: number): number =>
  chunkLength(sessionOf(DRIVE_CHUNK_MULTIPLE, defaultSettings().googleDriveChunkSizeBytes), chunkBytes);

interface Server {
  cpuSeconds(): Promise<number>;
  storedPath(id: string): Promise<string>;
  discard(id: string): Promise<void>;
}

type Sent = { kind: 'uploader'; measured: UploadMeasurement } | { kind: 'curl'; run: CurlRun };

function runnable(
  bench: BenchCase,
  file: TestFile,
  server: Server,
  send: (round: number) => Promise<Sent>,
): RunnableCase {
  return {
    bench,
    file,
    serverCpuSeconds: () => server.cpuSeconds(),
    run: async (round) => {
      const sent = await send(round);
      const remoteId = sent.kind === 'uploader' ? sent.measured.remoteId : sent.run.remoteId;
      return {
        result: sent.kind === 'uploader' ? uploaderResult(sent.measured) : curlResult(sent.run, file),
        storedPath: await server.storedPath(remoteId),
        discard: () => server.discard(remoteId),
      };
    },
  };
}

function dataDirs(ctx: BenchContext): () => string {
  let count = 0;
  return () => {
    count += 1;
    return join(ctx.workDir, `data-${count}`);
  };
}

/**
 * OneDrive: the uploader (sign-in, upload session, quickXorHash compared) with the 256 MiB and
 * the 1 GiB file, against curl sending the 1 GiB file's same fragments to the same Graph server.
 */
export async function startOneDriveSuite(ctx: BenchContext): Promise<Suite> {
  const store = join(ctx.storeDir, 'graph');
  mkdirSync(store);
  const { small, large } = ctx.files;
  const fragmentBytes = graphFragmentBytes(ctx.chunkBytes);
  const fragments = await cutFragments(large, fragmentBytes, join(ctx.workDir, 'graph-fragments'));
  ctx.log(`cut the ${large.sizeBytes / 2 ** 20} MiB file into ${fragments.length} Graph fragments`);
  const peer = await GraphPeerProcess.start(store, ctx.workDir);
  const dataDir = dataDirs(ctx);
  const uploader = (file: TestFile) => async (): Promise<Sent> => ({
    kind: 'uploader',
    measured: await oneDriveUploaderRun(peer, file, dataDir(), ctx.chunkBytes),
  });
  const server = 'upload session';
  const common = { destination: 'onedrive', server } as const;
  return {
    cases: [
      runnable(
        {
          ...common,
          id: 'onedrive-small',
          label: 'uploader',
          tool: 'uploader',
          size: 'small',
          baseline: null,
        },
        small,
        peer,
        uploader(small),
      ),
      runnable(
        {
          ...common,
          id: 'onedrive-large',
          label: 'uploader',
          tool: 'uploader',
          size: 'large',
          baseline: 'onedrive-curl',
          aimRatio: CHUNKED_AIM,
        },
        large,
        peer,
        uploader(large),
      ),
      runnable(
        {
          ...common,
          id: 'onedrive-curl',
          label: `curl, the same ${fragmentBytes / 2 ** 20} MiB fragments`,
          tool: 'curl',
          size: 'large',
          baseline: null,
        },
        large,
        peer,
        async (round) => ({
          kind: 'curl',
          run: await curlGraphUpload(peer, large, fragments, `curl-${round}.mp4`),
        }),
      ),
    ],
    close: () => peer.close(),
    kill: () => peer.kill(),
  };
}

/**
 * Google Drive: the uploader (sign-in, resumable session, md5 compared) with the 256 MiB and the
 * 1 GiB file, against curl sending the 1 GiB file to the same Drive server whole in one PUT, and
 * in the uploader's own chunks.
 */
export async function startDriveSuite(ctx: BenchContext): Promise<Suite> {
  const store = join(ctx.storeDir, 'drive');
  mkdirSync(store);
  const { small, large } = ctx.files;
  const chunkBytes = driveChunkBytes(ctx.chunkBytes);
  const fragments = await cutFragments(large, chunkBytes, join(ctx.workDir, 'drive-chunks'));
  ctx.log(`cut the ${large.sizeBytes / 2 ** 20} MiB file into ${fragments.length} Drive chunks`);
  const peer = await DrivePeerProcess.start(store);
  const dataDir = dataDirs(ctx);
  const uploader = (file: TestFile) => async (): Promise<Sent> => ({
    kind: 'uploader',
    measured: await driveUploaderRun(peer, file, dataDir(), ctx.chunkBytes),
  });
  const common = { destination: 'gdrive', server: 'resumable session' } as const;
  return {
    cases: [
      runnable(
        { ...common, id: 'gdrive-small', label: 'uploader', tool: 'uploader', size: 'small', baseline: null },
        small,
        peer,
        uploader(small),
      ),
      runnable(
        {
          ...common,
          id: 'gdrive-large',
          label: 'uploader',
          tool: 'uploader',
          size: 'large',
          baseline: 'gdrive-curl-chunks',
          alsoComparedWith: ['gdrive-curl-whole'],
          aimRatio: CHUNKED_AIM,
        },
        large,
        peer,
        uploader(large),
      ),
      runnable(
        {
          ...common,
          id: 'gdrive-curl-whole',
          label: 'curl, whole file in one PUT',
          tool: 'curl',
          size: 'large',
          baseline: null,
        },
        large,
        peer,
        async (round) => ({
          kind: 'curl',
          run: await curlDriveWhole(peer, large, `curl-whole-${round}.mp4`),
        }),
      ),
      runnable(
        {
          ...common,
          id: 'gdrive-curl-chunks',
          label: `curl, the same ${chunkBytes / 2 ** 20} MiB chunks`,
          tool: 'curl',
          size: 'large',
          baseline: null,
        },
        large,
        peer,
        async (round) => ({
          kind: 'curl',
          run: await curlDriveChunks(peer, large, fragments, `curl-chunks-${round}.mp4`),
        }),
      ),
    ],
    close: () => peer.close(),
    kill: () => peer.kill(),
  };
}
