/** What a request does, as the fault plan sees it. */
export type RequestKind =
  | 'health'
  | 'create'
  | 'chunk'
  | 'probe'
  | 'multipart'
  | 'metadata'
  | 'finalize'
  | 'status'
  | 'recordings'
  | 'delete'
  | 'receipt'
  | 'heartbeat';

export type FaultName =
  | 'server-error'
  | 'throttle'
  | 'reset'
  | 'expire'
  | 'wrong-sha256'
  | 'partial-ack'
  | 'damage';

/** How a throttle's `Retry-After` is written: delay-seconds, or an HTTP date (RFC 9110 §10.2.3). */
export type RetryAfterForm = 'seconds' | 'http-date';

export interface StatusAnswer {
  status: number;
  retryAfterSeconds: number | null;
  retryAfterForm: RetryAfterForm;
  /** The answer's `detail`, where the test chose the server's words. */
  detail: string | null;
  /** A careless server: its error body repeats the request's Authorization header and the token in it. */
  echoAuthorization?: boolean;
}

interface StatusFault extends StatusAnswer {
  remaining: number;
  kinds: readonly RequestKind[] | null;
}

/**
 * Faults armed by a test, each used up as it fires. Status faults fire in the order they were
 * armed; the others fire on the first request of the kind they apply to.
 */
export class StorageFaults {
  private readonly statusFaults: StatusFault[] = [];
  private resets = 0;
  private wrongHashes = 0;
  private partialAcks = 0;
  private expiries = 0;
  private damages = 0;
  private readonly expireNow: (sessionId: string) => void;

  constructor(expireNow: (sessionId: string) => void) {
    this.expireNow = expireNow;
  }

  /** The next `count` requests carrying video bytes (chunk PUT or multipart POST) lose their connection halfway through the body. */
  resetMidChunk(count = 1): void {
    this.resets += count;
  }

  /**
   * The next `count` requests (of `kinds`, default any) are answered `status` without being acted
   * on, with `detail` as the server's words when given.
   */
  serverErrors(count: number, status = 500, kinds?: readonly RequestKind[], detail?: string): void {
    this.statusFaults.push({
      remaining: count,
      status,
      retryAfterSeconds: null,
      retryAfterForm: 'seconds',
      detail: detail ?? null,
      kinds: kinds ?? null,
    });
  }

  /**
   * The next `count` requests (of `kinds`, default any) are answered `status` by a careless server
   * whose error body repeats the Authorization header it was sent, token and all.
   */
  echoAuthorization(count: number, status: number, kinds?: readonly RequestKind[]): void {
    this.statusFaults.push({
      remaining: count,
      status,
      retryAfterSeconds: null,
      retryAfterForm: 'seconds',
      detail: null,
      kinds: kinds ?? null,
      echoAuthorization: true,
    });
  }

  /**
   * The next `count` requests (of `kinds`, default any) are answered 429 with `Retry-After`, or
   * 503 with it (a server shedding load says when to come back that way).
   */
  throttle(
    count: number,
    retryAfterSeconds: number,
    kinds?: readonly RequestKind[],
    retryAfterForm: RetryAfterForm = 'seconds',
    status: 429 | 503 = 429,
  ): void {
    this.statusFaults.push({
      remaining: count,
      status,
      retryAfterSeconds,
      retryAfterForm,
      detail: null,
      kinds: kinds ?? null,
    });
  }

  /**
   * With an id: that upload session is gone now. Without: the next request naming an unfinished
   * session finds it gone.
   */
  expireSession(sessionId?: string): void {
    if (sessionId === undefined) this.expiries += 1;
    else this.expireNow(sessionId);
  }

  /** The next `count` successful finalizes announce a sha256 that is not that of the stored bytes. */
  wrongSha256(count = 1): void {
    this.wrongHashes += count;
  }

  /**
   * The next `count` chunks arrive with one byte changed on the way (damage the transport did not
   * catch): the server stores and hashes what arrived, so finalize finds the client's sha256 differs.
   */
  damageInTransit(count = 1): void {
    this.damages += count;
  }

  /** The next `count` chunks are acknowledged (308) for a chunk_size-aligned prefix shorter than what was sent. */
  partialAck(count = 1): void {
    this.partialAcks += count;
  }

  /** Disarms every fault. */
  clear(): void {
    this.statusFaults.length = 0;
    this.resets = 0;
    this.wrongHashes = 0;
    this.partialAcks = 0;
    this.expiries = 0;
    this.damages = 0;
  }

  /** How many of each fault are still armed. */
  pending(): {
    status: number;
    resets: number;
    wrongSha256: number;
    partialAcks: number;
    expiries: number;
    damages: number;
  } {
    return {
      damages: this.damages,
      status: this.statusFaults.reduce((sum, fault) => sum + fault.remaining, 0),
      resets: this.resets,
      wrongSha256: this.wrongHashes,
      partialAcks: this.partialAcks,
      expiries: this.expiries,
    };
  }

  takeStatusFault(kind: RequestKind): StatusAnswer | null {
    const index = this.statusFaults.findIndex((fault) => fault.kinds === null || fault.kinds.includes(kind));
    const fault = this.statusFaults[index];
    if (!fault) return null;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.statusFaults.splice(index, 1);
    return {
      status: fault.status,
      retryAfterSeconds: fault.retryAfterSeconds,
      retryAfterForm: fault.retryAfterForm,
      detail: fault.detail,
      ...(fault.echoAuthorization ? { echoAuthorization: true } : {}),
    };
  }

  takeReset(): boolean {
    return this.take('resets');
  }

  takeWrongSha256(): boolean {
    return this.take('wrongHashes');
  }

  takePartialAck(): boolean {
    return this.take('partialAcks');
  }

  takeExpiry(): boolean {
    return this.take('expiries');
  }

  takeDamage(): boolean {
    return this.take('damages');
  }

  private take(counter: 'resets' | 'wrongHashes' | 'partialAcks' | 'expiries' | 'damages'): boolean {
    if (this[counter] <= 0) return false;
    this[counter] -= 1;
    return true;
  }
}
