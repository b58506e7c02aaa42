import type { z } from 'zod';
import { clockTime } from '../../../src-shared/clock-time.ts';
import { throttledBody } from '../bandwidth/throttled-body.ts';
import type { TokenBucket } from '../bandwidth/token-bucket.ts';
import { TransferFault } from '../faults.ts';
import { faultFromError } from './http-fault.ts';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string | ReadableStream<Uint8Array>;
  /** Who is asked, for messages: "storage API PUT chunk". */
  what: string;
}

/**
 * Every request a destination makes goes through here: the host's fetch (proxy- and
 * certificate-aware), the uploader's one speed limit over request bodies, a time-out, and one
 * classification of failures that got no answer. The time-out counts from the last byte of the
 * body that moved (then, once all are sent, until the answer), never from the request's start, so
 * neither a multi-gigabyte upload nor a chunk sent under a low limit is cut off for being long.
 */
export class HttpClient {
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: () => number;
  readonly #bucket: TokenBucket | null;
  readonly #pacer: Pacer | undefined;

  constructor(
    fetchImpl: typeof fetch,
    timeoutMs: () => number,
    bucket: TokenBucket | null = null,
    pacer?: Pacer,
  ) {
    this.#fetch = fetchImpl;
    this.#timeoutMs = timeoutMs;
    this.#bucket = bucket;
    this.#pacer = pacer;
  }

  async send(request: HttpRequest, signal: AbortSignal): Promise<Response> {
    this.#paced(request);
    const timeoutMs = this.#timeoutMs();
    const watchdog = new IdleWatchdog(timeoutMs);
    const combined = AbortSignal.any([signal, watchdog.signal]);
    const limitedNow = this.#bucket?.rate != null;
    const { body: given, headers } = asPiecesIfLarge(request, limitedNow);
    const body = this.#bodyFor(given, limitedNow, watchdog, combined);
    const init: RequestInit & { duplex?: 'half' } = { method: request.method, signal: combined };
    if (headers !== undefined) init.headers = headers;
    if (body !== undefined) init.body = body as NonNullable<RequestInit['body']>;
    if (body instanceof ReadableStream) init.duplex = 'half';
    try {
      const response = await this.#fetch(request.url, init);
      // A server may answer before it has read the whole body: no further piece of the caller's
      // bytes is handed out then, as the caller may reuse them once this returns. (Whatever is
      // still on its way belongs to a request that is already answered, and the final hash
      // check stands behind every byte in any case.)
      if (given instanceof PieceStream) given.stop();
      return response;
    } catch (error) {
      if (watchdog.fired && !signal.aborted) {
        throw new TransferFault(
          'retriable',
          `${request.what} timed out after ${timeoutMs / 1000} s without progress`,
        );
      }
      throw faultFromError(error, request.what, signal);
    } finally {
      watchdog.stop();
    }
  }

  /**
   * The body as fetch gets it: paced by the shared bucket and watched by the time-out. A chunk's
   * own pieces (a bounded body) sent while no limit is in force go as they are, re-arming the
   * time-out themselves: two stream layers less per piece, and a limit set meanwhile applies from
   * the next chunk. A caller's stream (single-request mode, unbounded) is always paced, so a limit
   * set in the middle of it applies at once.
   */
  #bodyFor(
    given: HttpRequest['body'],
    limitedNow: boolean,
    watchdog: IdleWatchdog,
    signal: AbortSignal,
  ): HttpRequest['body'] {
    if (!(given instanceof ReadableStream)) return given;
    if (given instanceof PieceStream && !limitedNow) {
      given.onPiece(() => watchdog.moved());
      return given;
    }
    const paced = this.#bucket === null ? given : throttledBody(given, this.#bucket, signal);
    return watchdog.track(paced);
  }

  /**
   * While the server asked to be left alone, no request of any job leaves: the first one that
   * would is turned back with the time the server gave (rclone's pacer, one per destination).
   */
  #paced(request: HttpRequest): void {
    const until = this.#pacer?.throttledUntil() ?? null;
    if (until === null || this.#pacer === undefined) return;
    const retryAfterMs = Math.max(0, until - this.#pacer.now());
    throw new TransferFault(
      'throttled',
      `${request.what} waits until ${clockTime(until)}, as the server asked`,
      { retryAfterMs, pacedUntil: until },
    );
  }

  /** Reads and validates a JSON answer; a malformed one is a clear `rejected` fault, never a crash. */
  async json<S extends z.ZodType>(response: Response, schema: S, what: string): Promise<z.infer<S>> {
    const text = await response.text();
    let body: unknown;
    try {
      body = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      throw new TransferFault('rejected', `${what} answered ${response.status} with a body that is not JSON`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
        .join('; ');
      throw new TransferFault(
        'rejected',
        `${what} answered ${response.status} with a malformed body (${problems})`,
      );
    }
    return parsed.data;
  }
}

/** One destination's pacing, shared by every request to it. */
export interface Pacer {
  /** Epoch ms until which the server asked for no requests, or null. */
  throttledUntil(): number | null;
  now(): number;
}

/**
 * fetch copies a byte body twice before it sends a byte (a copy of the buffer source, then a
 * clone into its byte stream): for a 10 MiB chunk that is 20 MiB of copying and garbage per
 * request, which halved upload throughput and doubled memory. A large byte body therefore goes as
 * a stream of views of the caller's bytes, with the Content-Length the byte body would have had.
 * So does any body in shared memory.
 */
const PIECES_FROM_BYTES = 1024 * 1024;
const PIECE_BYTES = 256 * 1024;

/** Under a speed limit every byte body is streamed, so that it can be paced (and its time-out with it). */
function asPiecesIfLarge(request: HttpRequest, limited: boolean): Pick<HttpRequest, 'body' | 'headers'> {
  const { body, headers } = request;
  if (!(body instanceof Uint8Array) || body.byteLength === 0) return { body, headers };
  // fetch takes no shared memory as a byte body (it is not a BufferSource), only as a stream: the
  // chunk loop reads into memory it shares with the hashing thread, whatever the chunk's size.
  const shared = body.buffer instanceof SharedArrayBuffer;
  if (body.byteLength < PIECES_FROM_BYTES && !limited && !shared) return { body, headers };
  const hasLength = Object.keys(headers ?? {}).some((name) => name.toLowerCase() === 'content-length');
  return {
    body: new PieceStream(body),
    headers: hasLength ? headers : { ...headers, 'content-length': String(body.byteLength) },
  };
}

/** Views of one buffer, PIECE_BYTES at a time, never a copy; stop() ends it where it is. */
class PieceStream extends ReadableStream<Uint8Array> {
  readonly #state: { stopped: boolean; onPiece: () => void };

  constructor(bytes: Uint8Array) {
    const state = { stopped: false, onPiece: () => {} };
    let at = 0;
    super({
      pull: (controller) => {
        state.onPiece();
        if (state.stopped || at >= bytes.byteLength) {
          controller.close();
          return;
        }
        const end = Math.min(at + PIECE_BYTES, bytes.byteLength);
        controller.enqueue(bytes.subarray(at, end));
        at = end;
      },
    });
    this.#state = state;
  }

  /** Called as each piece is asked for: the one before it has moved. */
  onPiece(callback: () => void): void {
    this.#state.onPiece = callback;
  }

  stop(): void {
    this.#state.stopped = true;
  }
}

/** Aborts when nothing moved for the time-out: a request's body pulls reset it. */
class IdleWatchdog {
  readonly #controller = new AbortController();
  readonly #timeoutMs: number;
  #timer: NodeJS.Timeout | undefined;
  fired = false;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
    this.#arm();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  track(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
    const reader = body.getReader();
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const { done, value } = await reader.read();
        this.#arm();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  /** Bytes moved: the time-out starts again. */
  moved(): void {
    this.#arm();
  }

  #arm(): void {
    // Restarted in place as each piece moves, rather than a new timer per piece.
    if (this.#timer !== undefined) {
      this.#timer.refresh();
      return;
    }
    this.#timer = setTimeout(() => {
      this.fired = true;
      this.#controller.abort(new DOMException('idle time-out', 'TimeoutError'));
    }, this.#timeoutMs);
    this.#timer.unref();
  }
}
