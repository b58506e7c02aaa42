import type { IncomingMessage } from 'node:http';

/** An answer the server gives instead of going on: a status, a `detail` and optional extras. */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly extra: Record<string, unknown>;

  constructor(
    status: number,
    detail: string,
    options: { headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
  ) {
    super(detail);
    this.name = 'HttpError';
    this.status = status;
    this.headers = options.headers ?? {};
    this.extra = options.extra ?? {};
  }
}

/** The client's connection went away (or was cut by a fault) before the body was read whole. */
export class ConnectionGone extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionGone';
  }
}

export interface BodyOptions {
  /** Destroy the socket once this many body bytes have been read: a reset mid-upload. */
  cutAfter?: number;
}

/**
 * Reads a request body piece by piece, awaiting `onBytes` before reading more, so memory stays
 * flat for any size. A rule broken inside `onBytes` (HttpError) stops the writing but the rest
 * of the body is still drained, so the client gets an answer on a live connection instead of a
 * reset.
 */
export const consumeBody = (
  req: IncomingMessage,
  onBytes: (bytes: Buffer) => Promise<void> | void,
  options: BodyOptions = {},
): Promise<void> =>
  new Promise((resolve, reject) => {
    let seen = 0;
    let failure: unknown = null;
    let pending: Promise<void> = Promise.resolve();
    let done = false;
    const settle = (error: unknown): void => {
      if (done) return;
      done = true;
      if (error === null) resolve();
      else reject(error);
    };
    const onData = (bytes: Buffer): void => {
      seen += bytes.length;
      if (options.cutAfter !== undefined && seen >= options.cutAfter) {
        req.removeListener('data', onData);
        req.socket.destroy();
        settle(new ConnectionGone('connection reset mid-body (fault)'));
        return;
      }
      if (failure !== null) return;
      let written: Promise<void> | void;
      try {
        written = onBytes(bytes);
      } catch (error) {
        failure = error;
        return;
      }
      if (written instanceof Promise) {
        req.pause();
        pending = written.then(
          () => {
            req.resume();
          },
          (error: unknown) => {
            failure = error;
            req.resume();
          },
        );
      }
    };
    // The connection may have closed while the handler awaited something else (opening the
    // file, a gate): its 'close' is past, and so is any chance of the body.
    if (req.destroyed && !req.readableEnded) {
      settle(new ConnectionGone('client closed the connection before its body was read'));
      return;
    }
    let ended = false;
    req.on('data', onData);
    req.once('end', () => {
      ended = true;
      void pending.then(() => settle(failure));
    });
    // Not req.complete: a body that arrived whole but was dropped unread when the connection
    // closed (a request held by a gate) never reaches 'end' either.
    req.once('close', () => {
      if (!ended) settle(new ConnectionGone('client closed the connection mid-body'));
    });
    req.once('error', (error) => settle(new ConnectionGone(`request stream failed: ${error.message}`)));
  });

/** Reads the rest of a body and throws it away, so an error answer goes out on a live connection. */
export const drain = async (req: IncomingMessage): Promise<void> => {
  if (req.complete || req.destroyed) return;
  try {
    await consumeBody(req, () => undefined);
  } catch {
    // The client left: nothing to answer anyway.
  }
};

/** A small JSON body (create-session, finalize, metadata), capped so no client can flood memory. */
export const readJson = async (req: IncomingMessage, limitBytes: number, what: string): Promise<unknown> => {
  const parts: Buffer[] = [];
  let size = 0;
  await consumeBody(req, (bytes) => {
    size += bytes.length;
    if (size > limitBytes) throw new HttpError(413, `${what} is larger than ${limitBytes} bytes`);
    parts.push(bytes);
  });
  return parseJson(Buffer.concat(parts).toString('utf8'), what);
};

export const parseJson = (text: string, what: string): unknown => {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `${what} is not valid JSON: ${(error as Error).message}`);
  }
};

export const requireJsonContentType = (req: IncomingMessage, what: string): void => {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, `${what} must be sent as application/json (got ${type || 'no Content-Type'})`);
  }
};

export type ContentRange =
  | { kind: 'chunk'; start: number; end: number; total: number }
  | { kind: 'probe'; total: number };

const CHUNK_RANGE = /^bytes (\d{1,16})-(\d{1,16})\/(\d{1,16})$/;
const PROBE_RANGE = /^bytes \*\/(\d{1,16})$/;

/** `bytes START-END/TOTAL` or `bytes * /TOTAL` (without the space); anything else is a 400. */
export const parseContentRange = (header: string | undefined): ContentRange => {
  if (header === undefined) throw new HttpError(400, 'Content-Range header is required on a chunk PUT');
  const chunk = CHUNK_RANGE.exec(header);
  if (chunk) {
    const [start, end, total] = [Number(chunk[1]), Number(chunk[2]), Number(chunk[3])];
    if (end < start) throw new HttpError(400, `Content-Range ${header}: END is before START`);
    return { kind: 'chunk', start, end, total };
  }
  const probe = PROBE_RANGE.exec(header);
  if (probe) return { kind: 'probe', total: Number(probe[1]) };
  throw new HttpError(400, `Content-Range "${header}" is not "bytes START-END/TOTAL" nor "bytes */TOTAL"`);
};

/** The `Range` header of a 308/416: what the server holds, or nothing when it holds no byte. */
export const heldRange = (received: number): Record<string, string> =>
  received > 0 ? { Range: `bytes=0-${received - 1}` } : {};
