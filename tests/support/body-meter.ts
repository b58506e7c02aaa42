/** One write of request body bytes as fetch took them: when, how many, for which URL. */
export interface BodyWrite {
  at: number;
  bytes: number;
  url: string;
}

/**
 * The real fetch, recording every piece of every request body at the moment fetch takes it to
 * send: what the line sees of the uploader's pacing.
 */
export function meteredFetch(writes: BodyWrite[], inner: typeof fetch = globalThis.fetch): typeof fetch {
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const body = init?.body;
    if (body instanceof ReadableStream) {
      const counted = (body as ReadableStream<Uint8Array>).pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform: (piece, controller) => {
            writes.push({ at: performance.now(), bytes: piece.byteLength, url });
            controller.enqueue(piece);
          },
        }),
      );
      return inner(input, { ...init, body: counted } as RequestInit);
    }
    if (body instanceof Uint8Array && body.byteLength > 0) {
      writes.push({ at: performance.now(), bytes: body.byteLength, url });
    }
    return inner(input, init);
  };
}

/** The most bytes written in any window of `windowMs` that starts at a write. */
export function busiestWindow(writes: readonly BodyWrite[], windowMs: number): number {
  let most = 0;
  for (let i = 0; i < writes.length; i += 1) {
    const start = (writes[i] as BodyWrite).at;
    let sum = 0;
    for (let j = i; j < writes.length && (writes[j] as BodyWrite).at < start + windowMs; j += 1) {
      sum += (writes[j] as BodyWrite).bytes;
    }
    most = Math.max(most, sum);
  }
  return most;
}
