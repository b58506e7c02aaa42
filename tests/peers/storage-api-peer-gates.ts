import type { IncomingMessage } from 'node:http';
import type { RequestKind } from './storage-api-peer-faults.ts';
import { ConnectionGone } from './storage-api-peer-http.ts';

/**
 * Where a request is held:
 * - `arrival`: its headers are in, nothing of it is acted on yet (the body is not read).
 * - `answer`: it was handled in full and without error (a chunk's bytes are stored), but the
 *   answer is not sent. If the client vanishes meanwhile, what the request did stays done and the
 *   answer goes nowhere; the client learns of it only by asking (probe, status).
 *
 * Released after its client left, a request goes on as a server would take it up late: dropped
 * when the server saw the connection close (its unread body is gone with it), else read on,
 * where a body that never arrived whole ends it with nothing kept.
 */
export type GatePoint = 'arrival' | 'answer';

export interface HoldOptions {
  /** How many matching requests pass before the one that is held. Default 0: the next one. */
  afterCount?: number;
  /** Default `arrival`. */
  at?: GatePoint;
}

/** What a test sees of the request a gate holds. */
export interface HeldRequest {
  method: string;
  path: string;
  kind: RequestKind;
  contentRange: string | null;
}

/** One request held until the test releases it. Each gate holds one request, once. */
export interface RequestGate {
  readonly kind: RequestKind;
  readonly at: GatePoint;
  /** True while a request is being held. */
  readonly holding: boolean;
  /** Resolves once a matching request is being held; rejects after `timeoutMs`. */
  whenHeld(timeoutMs?: number): Promise<HeldRequest>;
  /** Lets the held request go on (or the next matching one through, if none is held yet). */
  release(): void;
  /** Resolves once the server is done with the held request: answered, or dropped. */
  whenSettled(timeoutMs?: number): Promise<void>;
}

class Gate implements RequestGate {
  readonly kind: RequestKind;
  readonly at: GatePoint;
  #toPass: number;
  #seen = 0;
  #held: HeldRequest | null = null;
  #released = false;
  #open: () => void = () => undefined;
  readonly #opened: Promise<void>;
  #notifyHeld: (request: HeldRequest) => void = () => undefined;
  readonly #heldPromise: Promise<HeldRequest>;
  #notifySettled: () => void = () => undefined;
  readonly #settledPromise: Promise<void>;

  constructor(kind: RequestKind, options: HoldOptions) {
    this.kind = kind;
    this.at = options.at ?? 'arrival';
    this.#toPass = options.afterCount ?? 0;
    if (!Number.isSafeInteger(this.#toPass) || this.#toPass < 0) {
      throw new Error(`afterCount must be a whole number of at least 0, got ${options.afterCount}`);
    }
    this.#opened = new Promise((resolve) => {
      this.#open = resolve;
    });
    this.#heldPromise = new Promise((resolve) => {
      this.#notifyHeld = resolve;
    });
    this.#settledPromise = new Promise((resolve) => {
      this.#notifySettled = resolve;
    });
  }

  get holding(): boolean {
    return this.#held !== null && !this.#released;
  }

  /** Counts a matching request; true when its turn has come and nothing was held yet. */
  claims(kind: RequestKind, at: GatePoint): boolean {
    if (kind !== this.kind || at !== this.at || this.#held !== null || this.#released) return false;
    this.#seen += 1;
    if (this.#toPass > 0) {
      this.#toPass -= 1;
      return false;
    }
    return true;
  }

  async hold(request: HeldRequest): Promise<void> {
    this.#held = request;
    this.#notifyHeld(request);
    await this.#opened;
  }

  whenHeld(timeoutMs = 40_000): Promise<HeldRequest> {
    return within(this.#heldPromise, timeoutMs, () => {
      return `no ${this.kind} request was held at ${this.at} within ${timeoutMs} ms (${this.#seen} seen)`;
    });
  }

  whenSettled(timeoutMs = 40_000): Promise<void> {
    return within(this.#settledPromise, timeoutMs, () => {
      const state = this.#held === null ? 'nothing was held' : 'the held request is still being handled';
      return `the ${this.kind} request held at ${this.at} did not settle within ${timeoutMs} ms: ${state}`;
    });
  }

  settle(): void {
    this.#notifySettled();
  }

  release(): void {
    this.#released = true;
    this.#open();
  }
}

function within<T>(promise: Promise<T>, timeoutMs: number, problem: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(problem())), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The request gates of one server: tests arm them to stop a request at an exact point. */
export class StorageGates {
  readonly #gates: Gate[] = [];
  /** Requests a gate held, until the server is done with them. */
  readonly #handling = new Map<IncomingMessage, Gate>();

  /** Holds the next matching request (after `afterCount` pass) at `at`, until released. */
  hold(kind: RequestKind, options: HoldOptions = {}): RequestGate {
    const gate = new Gate(kind, options);
    this.#gates.push(gate);
    return gate;
  }

  /** Releases every gate, holding or not; the server does this when it closes. */
  releaseAll(): void {
    for (const gate of this.#gates.splice(0)) gate.release();
  }

  /**
   * Called by the server at each gate point. Returns once the request may go on; throws
   * ConnectionGone when the client left while it was held and the request must be dropped.
   */
  async pass(at: GatePoint, request: HeldRequest, req: IncomingMessage): Promise<void> {
    // Every armed gate counts the request; the first whose turn has come holds it.
    const claiming = this.#gates.filter((g) => g.claims(request.kind, at));
    const gate = claiming[0];
    if (gate === undefined) return;
    this.#handling.set(req, gate);
    await gate.hold(request);
    const index = this.#gates.indexOf(gate);
    if (index >= 0) this.#gates.splice(index, 1);
    if (req.socket?.destroyed ?? true) {
      throw new ConnectionGone(`client left while its ${request.kind} request was held at ${at}`);
    }
  }

  /** Called by the server when it is done with a request, answered or not. */
  settled(req: IncomingMessage): void {
    this.#handling.get(req)?.settle();
    this.#handling.delete(req);
  }
}
