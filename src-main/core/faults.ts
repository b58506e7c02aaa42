/**
 * What went wrong, as the retry policy sees it. Destinations only classify (like rclone's
 * shouldRetry); the engine alone decides what each kind means for the job.
 *
 * - network: the connection itself failed (refused, reset, DNS, unreachable). Never uses up
 *   attempts: the job waits and resumes.
 * - retriable: time-out, 408, 5xx. Backoff, honouring retryAfterMs. Counts an attempt only while
 *   the destination otherwise answers; when it fails for everything, it is an outage, like losing
 *   the network.
 * - throttled: the server paces us (429, 503 with Retry-After, Drive's rate-limit 403s). Never uses
 *   up an attempt; every job of the destination waits until retryAfterMs has passed.
 * - auth: 401/403. Every job of the destination waits in needs-auth for new credentials.
 * - session-gone: 404/410 on a session URL, or the session expired. Start a new session.
 * - rejected: any other 4xx, or a malformed server answer. The job fails with the message.
 * - hash-mismatch: the remote's hash differs. Upload again once, then fail.
 * - busy: the recording cannot be read for a while (held by an antivirus or backup tool, out of
 *   file handles): backoff, counts an attempt; still unreadable after them, it fails with the OS's reason.
 * - local: the recording cannot be read (a corrupt input: set aside, reported, never retried).
 * - changed: the recording changed or vanished mid-upload; it starts over once it settles again.
 * - cancelled: the operator or a shutdown stopped the transfer; not an error of the job.
 */
export type FaultKind =
  | 'network'
  | 'retriable'
  | 'throttled'
  | 'auth'
  | 'session-gone'
  | 'rejected'
  | 'hash-mismatch'
  | 'busy'
  | 'local'
  | 'changed'
  | 'cancelled';

export interface FaultOptions {
  status?: number;
  retryAfterMs?: number;
  /** Turned back before leaving by the pacer, for the server's pause that lasts until then (wall clock). */
  pacedUntil?: number;
  cause?: unknown;
}

export class TransferFault extends Error {
  readonly kind: FaultKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly pacedUntil: number | undefined;

  constructor(kind: FaultKind, message: string, options: FaultOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TransferFault';
    this.kind = kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.pacedUntil = options.pacedUntil;
  }
}

export const isFault = (error: unknown, kind?: FaultKind): error is TransferFault =>
  error instanceof TransferFault && (kind === undefined || error.kind === kind);
