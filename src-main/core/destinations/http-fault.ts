import { TransferFault } from '../faults.ts';

/** `Retry-After` as seconds or an HTTP date, in milliseconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const BODY_PREVIEW_BYTES = 4096;

/** The server's own words for an error: `detail`, `message` or `error` of a JSON body, else the text. */
export function serverMessage(bodyText: string): string | null {
  const text = bodyText.trim();
  if (text === '') return null;
  try {
    const body: unknown = JSON.parse(text);
    const found = pickMessage(body);
    if (found !== null) return found;
  } catch {
    // Not JSON: the text itself is the message.
  }
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function pickMessage(body: unknown): string | null {
  if (typeof body === 'string') return body;
  if (typeof body !== 'object' || body === null) return null;
  const record = body as Record<string, unknown>;
  for (const key of ['detail', 'message', 'error', 'error_description']) {
    const value = record[key];
    if (typeof value === 'string' && value !== '') return value;
    const nested = pickMessage(value);
    if (nested !== null) return nested;
  }
  return null;
}

export interface ResponseContext {
  /** Who answered, for messages: "storage API POST /uploads/create-session". */
  what: string;
  /** 404/410 here mean the upload session is gone, not a wrong address. */
  sessionUrl?: boolean;
  now?: number;
}

/** Classifies an unexpected answer by the error table every destination shares. */
export async function faultFromResponse(
  response: Response,
  context: ResponseContext,
): Promise<TransferFault> {
  const text = await readPreview(response);
  const said = serverMessage(text);
  const status = response.status;
  const message = `${context.what} answered ${status}${said === null ? '' : `: ${said}`}`;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), context.now ?? Date.now());
  if (status === 401 || status === 403) return new TransferFault('auth', message, { status });
  if ((status === 404 || status === 410) && context.sessionUrl === true) {
    return new TransferFault('session-gone', message, { status });
  }
  // The server pacing us: 429 always, 503 when it says for how long.
  if (status === 429 || (status === 503 && retryAfterMs !== undefined)) {
    return new TransferFault(
      'throttled',
      message,
      retryAfterMs === undefined ? { status } : { status, retryAfterMs },
    );
  }
  if (status === 408 || status >= 500) {
    return new TransferFault(
      'retriable',
      message,
      retryAfterMs === undefined ? { status } : { status, retryAfterMs },
    );
  }
  return new TransferFault('rejected', message, { status });
}

async function readPreview(response: Response): Promise<string> {
  try {
    const text = await response.text();
    return text.slice(0, BODY_PREVIEW_BYTES);
  } catch {
    return '';
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** Classifies a request that got no answer: the connection failed, timed out, or was cancelled. */
export function faultFromError(error: unknown, what: string, signal: AbortSignal): TransferFault {
  if (error instanceof TransferFault) return error;
  if (signal.aborted) {
    return new TransferFault('cancelled', `${what} was cancelled`, { cause: error });
  }
  if (isTimeout(error)) {
    return new TransferFault('retriable', `${what} timed out`, { cause: error });
  }
  const code = errorCode(error);
  if (code !== undefined && NETWORK_CODES.has(code)) {
    return new TransferFault('network', `${what} could not connect (${code})`, { cause: error });
  }
  if (error instanceof TypeError && /fetch failed|network|socket/i.test(error.message)) {
    return new TransferFault('network', `${what} failed: ${describe(error)}`, { cause: error });
  }
  return new TransferFault('retriable', `${what} failed: ${describe(error)}`, { cause: error });
}

function isTimeout(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'TimeoutError' || errorCode(error) === 'UND_ERR_HEADERS_TIMEOUT')
  );
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
