import type { TokenBucket } from './token-bucket.ts';

/**
 * A request body handed to fetch no faster than the shared bucket allows, in writes of a
 * tenth of a second's worth of bytes, so the line carries a steady stream rather than bursts.
 * Views of the source's pieces, never copies. While the bucket is unlimited, pieces pass whole.
 */
export function throttledBody(
  source: Uint8Array | ReadableStream<Uint8Array>,
  bucket: TokenBucket,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  const reader = source instanceof ReadableStream ? source.getReader() : null;
  let pending: Uint8Array | null = source instanceof ReadableStream ? null : source;
  let sourceDone = reader === null;
  return new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      while (pending === null || pending.byteLength === 0) {
        if (sourceDone || reader === null) {
          controller.close();
          return;
        }
        const { done, value } = await reader.read();
        if (done) sourceDone = true;
        else pending = value;
      }
      const length = Math.min(pending.byteLength, bucket.sliceBytes());
      await bucket.take(length, signal);
      const piece = pending.subarray(0, length);
      pending = pending.subarray(length);
      controller.enqueue(piece);
    },
    cancel: (reason) => reader?.cancel(reason),
  });
}
