/** One request the uploader made and the answer it got, as the uploader's own fetch saw them. */
export interface TappedExchange {
  method: string;
  url: string;
  contentRange: string | null;
  status: number;
}

/**
 * The real fetch, with a listener called after each answer arrives and before the uploader sees
 * it. The listener may await: the uploader then waits too, so a test can change the world (delete
 * a file, stop the server, revoke the token) at an exact point of an upload, not at a guessed time.
 */
export function tapFetch(
  onAnswer: (exchange: TappedExchange) => void | Promise<void>,
  inner: typeof fetch = globalThis.fetch,
): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    const request = input instanceof Request ? input : null;
    const headers = new Headers(init?.headers ?? request?.headers);
    await onAnswer({
      method: (init?.method ?? request?.method ?? 'GET').toUpperCase(),
      url: request?.url ?? String(input),
      contentRange: headers.get('content-range'),
      status: response.status,
    });
    return response;
  };
}

/** A chunk PUT with bytes (not a probe): `bytes START-END/TOTAL`. */
export function chunkStart(exchange: TappedExchange): number | null {
  if (exchange.method !== 'PUT') return null;
  const match = /^bytes (\d+)-\d+\/\d+$/.exec(exchange.contentRange ?? '');
  return match === null ? null : Number(match[1]);
}
