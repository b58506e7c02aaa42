import type { UploadMeasurement } from './measure-job.ts';
import type { CurlRun } from './onedrive-bench.ts';
import type { BenchCase, RunResult } from './report.ts';
import type { TestFile } from './test-files.ts';

/** What every destination's part of the bench is given. */
export interface BenchContext {
  files: { small: TestFile; large: TestFile };
  /** The uploader's chunk size setting (chunkSizeBytes). */
  chunkBytes: number;
  /** A temp folder of this suite's own, for fragments, certificates and data folders. */
  workDir: string;
  /** Where this suite's servers keep what they receive (tmpfs when there is room). */
  storeDir: string;
  log(line: string): void;
}

/** One upload that landed: its figures, and where the server put the bytes, to check them. */
export interface Landed {
  result: Omit<RunResult, 'caseId' | 'peerCpuSeconds'>;
  storedPath: string;
  /** Removes the stored copy once it is checked, so the servers' stores do not fill up. */
  discard(): Promise<void>;
}

export interface RunnableCase {
  bench: BenchCase;
  file: TestFile;
  serverCpuSeconds(): Promise<number>;
  run(round: number): Promise<Landed>;
}

/** A destination's servers, running, and the cases measured against them. */
export interface Suite {
  cases: RunnableCase[];
  close(): Promise<void>;
  /** Synchronous, for a signal handler. */
  kill(): void;
}

export function uploaderResult(measured: UploadMeasurement): Landed['result'] {
  return {
    sizeBytes: measured.sizeBytes,
    wallSeconds: measured.wallSeconds,
    clientCpuSeconds: measured.cpuUserSeconds + measured.cpuSystemSeconds,
    peakRssBytes: measured.peakRssBytes,
    rssAtStartBytes: measured.rssAtStartBytes,
    connections: null,
    settledToFirstByteSeconds: measured.settledToFirstByteSeconds,
  };
}

export function curlResult(run: CurlRun, file: TestFile): Landed['result'] {
  return {
    sizeBytes: file.sizeBytes,
    wallSeconds: run.wallSeconds,
    clientCpuSeconds: run.cpuSeconds,
    peakRssBytes: null,
    rssAtStartBytes: null,
    connections: run.connections,
    settledToFirstByteSeconds: null,
  };
}
