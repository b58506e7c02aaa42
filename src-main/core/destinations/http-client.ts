import type { z } from 'zod';
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
 * certificate-aware), a time-out, and one classification of failures that got no answer.
 * Streamed bodies get an idle time-out instead of a total one, so a multi-gigabyte upload is
 * not cut off just for being long.
 */
export class HttpClient {
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: () => number;

  constructor(fetchImpl: typeof fetch, timeoutMs: () => number) {
    this.#fetch = fetchImpl;
    this.#timeoutMs = timeoutMs;
  }

  async send(request: HttpRequest, signal: AbortSignal): Promise<Response> {
    const timeoutMs = this.#timeoutMs();
    const watchdog = new IdleWatchdog(timeoutMs);
    const combined = AbortSignal.any([signal, watchdog.signal]);
    const body = request.body instanceof ReadableStream ? watchdog.track(request.body) : request.body;
    const init: RequestInit & { duplex?: 'half' } = { method: request.method, signal: combined };
    if (request.headers !== undefined) init.headers = request.headers;
    if (body !== undefined) init.body = body as NonNullable<RequestInit['body']>;
    if (body instanceof ReadableStream) init.duplex = 'half';
    try {
      return await this.#fetch(request.url, init);
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

  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.fired = true;
      this.#controller.abort(new DOMException('idle time-out', 'TimeoutError'));
    }, this.#timeoutMs);
    this.#timer.unref();
  }
}
