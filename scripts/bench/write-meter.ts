import { subscribe, unsubscribe } from 'node:diagnostics_channel';

/** What the line saw of the recording bytes: how many, over how long, and the longest silence. */
export interface WriteTimeline {
  bytes: number;
  /** From the first recording byte written to the socket to the last. */
  spanSeconds: number;
  /** The first write's bytes: the span is the time the others took, so a rate leaves them out. */
  firstWriteBytes: number;
  /** CPU seconds this process used over the span: the cost of sending itself, without start-up or commit. */
  cpuSecondsInSpan: number;
  /** The longest time between two consecutive writes of recording bytes, whichever upload's. */
  largestGapMs: number;
  /** The same, only between two writes of one request (the pacing, without waits for answers). */
  largestGapInRequestMs: number;
  writes: number;
}

interface BodyChunk {
  request: { method: string; path: string };
  chunk: Uint8Array | string;
}

/** Requests that carry recording bytes: chunks and whole-file PUTs, and the storage API's multipart POST. */
const carriesRecording = (method: string, path: string): boolean =>
  method === 'PUT' || (method === 'POST' && /\/file(\?|$)/.test(path));

/**
 * Watches every piece of request body undici writes to a socket in this process (its
 * `undici:request:bodyChunkSent` channel): the pacing the network actually sees, across every
 * upload at once.
 */
export function meterWrites(): { stop(): WriteTimeline } {
  let bytes = 0;
  let writes = 0;
  let first: number | null = null;
  let last: number | null = null;
  let largestGapMs = 0;
  let cpuAtFirst: NodeJS.CpuUsage | null = null;
  let cpuAtLast: NodeJS.CpuUsage | null = null;
  let largestGapInRequestMs = 0;
  let lastRequest: unknown = null;
  let firstWriteBytes = 0;
  const listener = (message: unknown): void => {
    const { request, chunk } = message as BodyChunk;
    if (!carriesRecording(request.method, request.path)) return;
    const now = performance.now();
    const length = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (length === 0) return;
    if (last !== null) largestGapMs = Math.max(largestGapMs, now - last);
    if (last !== null && lastRequest === request)
      largestGapInRequestMs = Math.max(largestGapInRequestMs, now - last);
    lastRequest = request;
    if (first === null) {
      first = now;
      firstWriteBytes = length;
      cpuAtFirst = process.cpuUsage();
    }
    cpuAtLast = process.cpuUsage();
    last = now;
    bytes += length;
    writes += 1;
  };
  subscribe('undici:request:bodyChunkSent', listener);
  return {
    stop: () => {
      unsubscribe('undici:request:bodyChunkSent', listener);
      const span = first === null || last === null ? 0 : (last - first) / 1000;
      const cpu =
        cpuAtFirst === null || cpuAtLast === null
          ? 0
          : (cpuAtLast.user - cpuAtFirst.user + cpuAtLast.system - cpuAtFirst.system) / 1e6;
      return {
        bytes,
        spanSeconds: span,
        firstWriteBytes,
        cpuSecondsInSpan: cpu,
        largestGapMs,
        largestGapInRequestMs,
        writes,
      };
    },
  };
}
