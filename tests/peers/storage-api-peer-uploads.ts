import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { ByteSink } from './storage-api-peer-byte-sink.ts';
import type { FaultName, StorageFaults } from './storage-api-peer-faults.ts';
import {
  ConnectionGone,
  consumeBody,
  HttpError,
  heldRange,
  parseContentRange,
  parseJson,
  readJson,
  requireJsonContentType,
} from './storage-api-peer-http.ts';
import type { UploadRegistry, UploadSession } from './storage-api-peer-sessions.ts';

/** What a handler answers; the server turns it into the HTTP response. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface UploadContext {
  req: IncomingMessage;
  session: UploadSession;
  registry: UploadRegistry;
  faults: StorageFaults;
  baseUrl: string;
  /** The server's words for a sha256 mismatch; null for its default sentence. */
  mismatchDetail: string | null;
  /** Marks the request in the server's log with the fault that fired on it. */
  noteFault: (fault: FaultName) => void;
}

/** A sidecar is a small JSON file; anything bigger is refused rather than held in memory. */
export const METADATA_LIMIT_BYTES = 1024 * 1024;
/** When a multipart upload has no Content-Length, a reset fault cuts it after this many bytes. */
const UNKNOWN_LENGTH_CUT = 64 * 1024;

const SHA256_HEX = /^[0-9a-f]{64}$/;

const take = (ctx: UploadContext, fault: 'partial-ack' | 'reset' | 'wrong-sha256' | 'damage'): boolean => {
  const takers = {
    reset: () => ctx.faults.takeReset(),
    'partial-ack': () => ctx.faults.takePartialAck(),
    'wrong-sha256': () => ctx.faults.takeWrongSha256(),
    damage: () => ctx.faults.takeDamage(),
  };
  const fired = takers[fault]();
  if (fired) ctx.noteFault(fault);
  return fired;
};

/** 308 with what is held while incomplete; 200 with the sha256 once every byte is held. */
const progress = (session: UploadSession): Answer =>
  session.sha256 !== null
    ? { status: 200, body: { received_bytes: session.received, sha256: session.sha256 } }
    : { status: 308, headers: heldRange(session.received) };

const ensureOpen = (session: UploadSession): void => {
  if (session.expired) throw new HttpError(404, `upload session ${session.id} has expired`);
};

const ensureNotFinalized = (session: UploadSession): void => {
  if (session.finalized) {
    throw new HttpError(
      409,
      `upload session ${session.id} is already finalized as ${session.finalized.answer.file_id}`,
    );
  }
};

/** `PUT <video_upload_url>` or `PUT {base}/uploads/{sid}/file` with `Content-Range`. */
export const receiveChunk = async (ctx: UploadContext): Promise<Answer> => {
  const { req, session } = ctx;
  const chunkSize = session.chunkSize;
  if (chunkSize === null) {
    throw new HttpError(
      405,
      `upload session ${session.id} offered no chunk_size: send the video in one multipart POST to /uploads/${session.id}/file`,
    );
  }
  const range = parseContentRange(req.headers['content-range']);
  if (range.total !== session.fileSize) {
    throw new HttpError(
      400,
      `Content-Range total ${range.total} differs from the file_size ${session.fileSize} given at create-session`,
    );
  }
  if (range.kind === 'probe') {
    if (Number(req.headers['content-length'] ?? 0) !== 0) {
      throw new HttpError(400, 'a probe (Content-Range: bytes */TOTAL) must have an empty body');
    }
    return ctx.registry.serialized(session, async () => {
      ensureOpen(session);
      return progress(session);
    });
  }
  if (range.end >= range.total) {
    throw new HttpError(
      400,
      `Content-Range ends at byte ${range.end}, past the last byte ${range.total - 1}`,
    );
  }
  const length = range.end - range.start + 1;
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) !== length) {
    throw new HttpError(
      400,
      `Content-Length ${declared} differs from the ${length} bytes Content-Range announces`,
    );
  }
  return ctx.registry.serialized(session, async () => {
    ensureOpen(session);
    if (range.start !== session.received) {
      throw new HttpError(
        416,
        `chunk starts at byte ${range.start} but the next expected byte is ${session.received}`,
        { headers: heldRange(session.received) },
      );
    }
    const isLast = range.end === range.total - 1;
    if (!isLast && length % chunkSize !== 0) {
      throw new HttpError(
        400,
        `chunk of ${length} bytes is not a multiple of chunk_size ${chunkSize} (only the last chunk may be shorter)`,
      );
    }
    const keep = take(ctx, 'partial-ack') ? Math.floor((length - 1) / chunkSize) * chunkSize : length;
    const cutAfter = take(ctx, 'reset') ? Math.max(1, Math.floor(length / 2)) : undefined;
    await storeBytes(ctx, range.start, keep, length, cutAfter);
    return progress(session);
  });
};

/** Streams exactly `length` body bytes to disk, keeping the first `keep`; held only once all arrived. */
const storeBytes = async (
  ctx: UploadContext,
  start: number,
  keep: number,
  length: number,
  cutAfter: number | undefined,
): Promise<void> => {
  const { session } = ctx;
  const sink = await ByteSink.open(session.dataPath, start, session.hash, keep);
  let seen = 0;
  let damage = take(ctx, 'damage');
  try {
    await consumeBody(
      ctx.req,
      async (bytes) => {
        if (damage && bytes.length > 0) {
          bytes[0] = (bytes[0] ?? 0) ^ 0xff;
          damage = false;
        }
        seen += bytes.length;
        if (seen > length)
          throw new HttpError(400, `body is longer than the ${length} bytes Content-Range announces`);
        await sink.write(bytes);
      },
      { cutAfter },
    );
    if (seen !== length) {
      throw new HttpError(400, `body has ${seen} bytes but Content-Range announces ${length}`);
    }
  } catch (error) {
    await sink.abort();
    throw error;
  }
  const { hash, written } = await sink.commit();
  // The session may have expired while this chunk streamed in: its bytes are gone, so is the chunk.
  ensureOpen(session);
  session.hash = hash;
  session.received = start + written;
  if (session.received === session.fileSize) session.sha256 = session.hash.digest('hex');
};

/** `PUT <metadata_upload_url>`: the sidecar JSON as the body. */
export const receiveMetadataPut = async (ctx: UploadContext): Promise<Answer> => {
  const { session } = ctx;
  ensureNotFinalized(session);
  const value = await readJson(ctx.req, METADATA_LIMIT_BYTES, 'the metadata body');
  return acceptMetadata(session, value);
};

const acceptMetadata = (session: UploadSession, value: unknown): Answer => {
  ensureOpen(session);
  ensureNotFinalized(session);
  session.metadata = { value };
  return { status: 200, body: { session_id: session.id, file_type: 'metadata' } };
};

/** `POST {base}/uploads/{sid}/file`, multipart/form-data: `file_type` first, then the part `file`. */
export const receiveMultipart = (ctx: UploadContext): Promise<Answer> =>
  ctx.registry.serialized(ctx.session, async () => {
    ensureOpen(ctx.session);
    return parseMultipart(ctx);
  });

const parseMultipart = (ctx: UploadContext): Promise<Answer> => {
  const { req, session } = ctx;
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { files: 1, fields: 10, fieldSize: 1024, parts: 12 } });
  } catch (error) {
    throw new HttpError(
      415,
      `the upload must be multipart/form-data with a boundary: ${(error as Error).message}`,
    );
  }
  const cutAfter = take(ctx, 'reset')
    ? Math.max(1, Math.floor(Number(req.headers['content-length'] ?? UNKNOWN_LENGTH_CUT * 2) / 2))
    : undefined;

  return new Promise<Answer>((resolve, reject) => {
    let fileType: string | undefined;
    let failure: unknown = null;
    let part: Promise<Answer | null> | null = null;
    let current: Readable | null = null;
    let parsed = false;
    let settled = false;
    const fail = (error: unknown): void => {
      if (failure === null) failure = error;
    };
    const finish = (): void => {
      if (settled || !parsed) return;
      settled = true;
      void (part ?? Promise.resolve(null)).then(
        (answer) => {
          if (failure !== null) reject(failure);
          else if (answer === null) reject(new HttpError(400, 'the form has no part named "file"'));
          else resolve(answer);
        },
        (error: unknown) => reject(failure ?? error),
      );
    };

    parser.on('field', (name, value) => {
      if (name === 'file_type') fileType = value;
    });
    parser.on('file', (name, stream, info) => {
      if (failure !== null || part !== null) {
        stream.resume();
        return;
      }
      const problem = partProblem(name, fileType);
      if (problem) {
        fail(problem);
        stream.resume();
        return;
      }
      // The part may be cut before its reader attaches (it awaits opening the file first): its
      // error then surfaces through that reader, never as an unhandled 'error' event.
      stream.on('error', () => undefined);
      current = stream;
      part = (
        fileType === 'video'
          ? receiveWholeVideo(ctx, stream, info.filename ?? null)
          : receiveMetadataPart(session, stream)
      ).catch((error: unknown) => {
        fail(error);
        return null;
      });
    });
    for (const limit of ['partsLimit', 'filesLimit', 'fieldsLimit'] as const) {
      parser.on(limit, () => fail(new HttpError(400, `the form has too many parts (${limit})`)));
    }
    parser.on('error', (error: Error) => {
      fail(new HttpError(400, `malformed multipart body: ${error.message}`));
      req.unpipe(parser);
      req.resume();
      current?.destroy(error);
      parsed = true;
      finish();
    });
    parser.on('close', () => {
      parsed = true;
      finish();
    });
    req.once('close', () => {
      if (req.complete) return;
      const gone = new ConnectionGone('client closed the connection mid-upload');
      failure = gone;
      current?.destroy(gone);
      parsed = true;
      finish();
    });
    if (cutAfter !== undefined) {
      let seen = 0;
      req.on('data', (bytes: Buffer) => {
        seen += bytes.length;
        if (seen >= cutAfter) req.socket.destroy();
      });
    }
    req.pipe(parser);
  });
};

const partProblem = (name: string, fileType: string | undefined): HttpError | null => {
  if (name !== 'file')
    return new HttpError(400, `unexpected file part "${name}": the file goes in a part named "file"`);
  if (fileType === undefined) return new HttpError(400, 'the file_type field must come before the file part');
  if (fileType !== 'video' && fileType !== 'metadata') {
    return new HttpError(400, `file_type "${fileType}" is neither "video" nor "metadata"`);
  }
  return null;
};

/** Reads a part to its end; after a failure the rest is read and dropped so the form can finish. */
const readPart = async (
  stream: Readable,
  onBytes: (bytes: Buffer) => Promise<void> | void,
): Promise<void> => {
  let failure: unknown = null;
  for await (const bytes of stream) {
    if (failure !== null) continue;
    try {
      await onBytes(bytes as Buffer);
    } catch (error) {
      failure = error;
    }
  }
  if (failure !== null) throw failure;
};

/** Single-request mode: the whole video in one part. A new upload starts the file over. */
const receiveWholeVideo = async (
  ctx: UploadContext,
  stream: Readable,
  partFileName: string | null,
): Promise<Answer> => {
  const { session } = ctx;
  ensureNotFinalized(session);
  if (session.chunkSize !== null) {
    await readPart(stream, () => undefined);
    throw new HttpError(
      400,
      `upload session ${session.id} is resumable (chunk_size ${session.chunkSize}): send the video with PUT and Content-Range`,
    );
  }
  session.received = 0;
  session.sha256 = null;
  session.hash = createHash('sha256');
  const sink = await ByteSink.open(session.dataPath, 0, session.hash, session.fileSize);
  let seen = 0;
  try {
    await readPart(stream, async (bytes) => {
      seen += bytes.length;
      if (seen > session.fileSize) {
        throw new HttpError(
          400,
          `the file part is larger than the file_size ${session.fileSize} of create-session`,
        );
      }
      await sink.write(bytes);
    });
    if (seen !== session.fileSize) {
      throw new HttpError(
        400,
        `the file part has ${seen} bytes but create-session announced file_size ${session.fileSize}`,
      );
    }
  } catch (error) {
    await sink.abort();
    throw error;
  }
  const { hash, written } = await sink.commit();
  ensureOpen(session);
  session.hash = hash;
  session.received = written;
  session.sha256 = hash.digest('hex');
  session.videoPartFileName = partFileName;
  return {
    status: 200,
    body: { session_id: session.id, file_type: 'video', received_bytes: written, sha256: session.sha256 },
  };
};

const receiveMetadataPart = async (session: UploadSession, stream: Readable): Promise<Answer> => {
  const parts: Buffer[] = [];
  let size = 0;
  await readPart(stream, (bytes) => {
    size += bytes.length;
    if (size > METADATA_LIMIT_BYTES) {
      throw new HttpError(413, `the metadata part is larger than ${METADATA_LIMIT_BYTES} bytes`);
    }
    parts.push(bytes);
  });
  return acceptMetadata(session, parseJson(Buffer.concat(parts).toString('utf8'), 'the metadata part'));
};

/** `POST {base}/uploads/{sid}/finalize` with `{file_size, sha256}`. */
export const finalize = async (ctx: UploadContext): Promise<Answer> => {
  const { req, session } = ctx;
  requireJsonContentType(req, 'the finalize body');
  const body = await readJson(req, 64 * 1024, 'the finalize body');
  const claim = readFinalizeClaim(body, session);
  return ctx.registry.serialized(session, async () => {
    ensureOpen(session);
    if (session.finalized) {
      if (claim.sha256 !== session.finalized.realSha256)
        throw mismatch(session, claim.sha256, session.finalized.realSha256, ctx.mismatchDetail);
      return { status: 200, body: session.finalized.answer };
    }
    const held = session.sha256;
    if (held === null) {
      throw new HttpError(
        409,
        `upload session ${session.id} holds ${session.received} of ${session.fileSize} bytes: send the rest before finalize`,
        { extra: { received_bytes: session.received } },
      );
    }
    if (claim.sha256 !== held) throw mismatch(session, claim.sha256, held, ctx.mismatchDetail);
    const announced = take(ctx, 'wrong-sha256') ? corrupt(held) : held;
    return { status: 200, body: await ctx.registry.finalize(session, announced, ctx.baseUrl) };
  });
};

const readFinalizeClaim = (body: unknown, session: UploadSession): { sha256: string } => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'the finalize body must be a JSON object {file_size, sha256}');
  }
  const { file_size: fileSize, sha256 } = body as Record<string, unknown>;
  if (fileSize !== session.fileSize) {
    throw new HttpError(
      400,
      `finalize file_size ${JSON.stringify(fileSize)} differs from the file_size ${session.fileSize} of create-session`,
    );
  }
  if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256.toLowerCase())) {
    throw new HttpError(400, 'finalize needs sha256: the 64 hex digits of the video');
  }
  return { sha256: sha256.toLowerCase() };
};

/** The protocol's mismatch answer: the `code` is what a client goes by; the words are the server's own. */
const mismatch = (session: UploadSession, claimed: string, held: string, detail: string | null): HttpError =>
  new HttpError(
    400,
    detail ??
      `sha256 mismatch: the client sent ${claimed} but the ${session.fileSize} bytes received hash to ${held}`,
    { extra: { code: 'sha256_mismatch', sha256: held } },
  );

/** A different, well-formed sha256: what a server that stored damaged bytes would report. */
const corrupt = (sha256: string): string => `${sha256[0] === '0' ? '1' : '0'}${sha256.slice(1)}`;
