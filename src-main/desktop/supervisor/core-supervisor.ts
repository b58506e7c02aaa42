import {
  type BridgeEvent,
  type BridgeRequest,
  type BridgeResponse,
  CORE_UNAVAILABLE,
  type CoreStatus,
} from '../../../src-shared/bridge-contract.ts';
import type { CoreToShell, ShellToCore, SupportFilesResult } from '../../core-process/core-messages.ts';
import { RestartBackoff } from './restart-backoff.ts';

/** One running core process, as the supervisor sees it (Electron's utility process, or a Node child). */
export interface CoreChild {
  post(message: ShellToCore): void;
  kill(): void;
  onMessage(listener: (message: CoreToShell) => void): void;
  onExit(listener: (code: number | null) => void): void;
}

export interface SupervisorTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface CoreSupervisorOptions {
  spawn: () => CoreChild;
  /** Every core event, and the supervisor's own `core-status` events. */
  onEvent: (event: BridgeEvent) => void;
  onOpenBrowser: (url: string) => void;
  backoff?: RestartBackoff;
  /** A core that has not said `ready` by then is taken for hung, and restarted. */
  readyTimeoutMs?: number;
  /** How long Quit waits for the core to persist and stop before ending it. */
  stopDeadlineMs?: number;
  timers?: SupervisorTimers;
}

type Phase = 'idle' | 'starting' | 'running' | 'waiting' | 'stopping' | 'stopped';

interface Forwarded {
  request: BridgeRequest;
  originalId: number;
  resolve(response: BridgeResponse): void;
}

const realTimers: SupervisorTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Keeps the core process running for the desktop shell: starts it, forwards bridge requests and
 * events, restarts it with backoff when it dies, and says so with `core-status` events. Requests
 * are renumbered on the way in, so the window's ids and the shell's own never collide, and every
 * request is answered: by the core, or with CORE_UNAVAILABLE when the core is not there to answer.
 */
export class CoreSupervisor {
  readonly #options: CoreSupervisorOptions;
  readonly #timers: SupervisorTimers;
  readonly #backoff: RestartBackoff;
  #phase: Phase = 'idle';
  #child: CoreChild | null = null;
  #nextId = 1;
  readonly #inFlight = new Map<number, Forwarded>();
  #waitingForReady: Forwarded[] = [];
  #timer: unknown = null;
  #lastFailure: string | null = null;
  #status: CoreStatus = { state: 'running', detail: null };
  #announcedDown = false;
  #stopped: Promise<void> | null = null;
  #resolveStopped: () => void = () => {};
  #supportFiles: ((result: SupportFilesResult) => void) | null = null;

  constructor(options: CoreSupervisorOptions) {
    this.#options = options;
    this.#timers = options.timers ?? realTimers;
    this.#backoff = options.backoff ?? new RestartBackoff();
  }

  get status(): CoreStatus {
    return this.#status;
  }

  start(): void {
    if (this.#phase === 'idle') this.#spawn();
  }

  /** Answers every request; never rejects. */
  request(request: BridgeRequest): Promise<BridgeResponse> {
    return new Promise((resolve) => {
      const forwarded: Forwarded = {
        request: { ...request, id: this.#nextId++ },
        originalId: request.id,
        resolve,
      };
      if (this.#phase === 'running') this.#forward(forwarded);
      else if (this.#phase === 'starting' || this.#phase === 'idle') this.#waitingForReady.push(forwarded);
      else this.#refuse(forwarded);
    });
  }

  /** Has the core write the support files into `folder`; never rejects. */
  supportFiles(folder: string): Promise<SupportFilesResult> {
    const child = this.#child;
    if (this.#phase !== 'running' || child === null)
      return Promise.resolve({ error: this.#status.detail ?? 'The uploader is not running' });
    if (this.#supportFiles !== null)
      return Promise.resolve({ error: 'support files are being written already' });
    return new Promise((resolve) => {
      this.#supportFiles = resolve;
      child.post({ kind: 'support-files', folder });
    });
  }

  #settleSupportFiles(result: SupportFilesResult): void {
    const resolve = this.#supportFiles;
    this.#supportFiles = null;
    resolve?.(result);
  }

  /** Asks the core to persist and exit; ends it after the deadline. Never restarts it again. */
  stop(): Promise<void> {
    if (this.#stopped !== null) return this.#stopped;
    this.#stopped = new Promise((resolve) => {
      this.#resolveStopped = resolve;
    });
    this.#clearTimer();
    const child = this.#child;
    if (child === null) {
      this.#phase = 'stopped';
      this.#failWaiting('The uploader is shutting down');
      this.#resolveStopped();
      return this.#stopped;
    }
    this.#phase = 'stopping';
    this.#failWaiting('The uploader is shutting down');
    child.post({ kind: 'stop' });
    this.#timer = this.#timers.setTimeout(() => child.kill(), this.#options.stopDeadlineMs ?? 10_000);
    return this.#stopped;
  }

  #spawn(): void {
    this.#timer = null;
    this.#phase = 'starting';
    this.#lastFailure = null;
    let child: CoreChild;
    try {
      child = this.#options.spawn();
    } catch (error) {
      this.#lastFailure = error instanceof Error ? error.message : String(error);
      this.#afterExit(null);
      return;
    }
    this.#child = child;
    this.#backoff.started(this.#timers.now());
    child.onMessage((message) => {
      if (this.#child === child) this.#receive(child, message);
    });
    child.onExit((code) => {
      if (this.#child !== child) return;
      this.#child = null;
      this.#afterExit(code);
    });
    this.#timer = this.#timers.setTimeout(() => {
      this.#lastFailure = 'it did not answer within its start time';
      child.kill();
    }, this.#options.readyTimeoutMs ?? 30_000);
  }

  #receive(child: CoreChild, message: CoreToShell): void {
    switch (message.kind) {
      case 'ready':
        this.#clearTimer();
        this.#phase = 'running';
        this.#announce({ state: 'running', detail: null });
        for (const forwarded of this.#waitingForReady.splice(0)) this.#forward(forwarded);
        return;
      case 'response': {
        const forwarded = this.#inFlight.get(message.response.id);
        if (forwarded === undefined) return;
        this.#inFlight.delete(message.response.id);
        forwarded.resolve({ ...message.response, id: forwarded.originalId });
        return;
      }
      case 'event':
        this.#options.onEvent(message.event);
        return;
      case 'open-browser':
        this.#options.onOpenBrowser(message.url);
        return;
      case 'support-files':
        this.#settleSupportFiles(message.result);
        return;
      case 'failed':
        this.#lastFailure = message.message;
        child.kill();
        return;
      case 'stopped':
        child.kill();
        return;
    }
  }

  #afterExit(code: number | null): void {
    this.#clearTimer();
    this.#settleSupportFiles({ error: 'the uploader stopped before it finished them' });
    if (this.#phase === 'stopping' || this.#phase === 'stopped') {
      this.#phase = 'stopped';
      this.#failWaiting('The uploader is shutting down');
      this.#resolveStopped();
      return;
    }
    const delay = this.#backoff.delayAfterExit(this.#timers.now());
    const seconds = Math.max(1, Math.round(delay / 1000));
    const cause =
      this.#lastFailure === null
        ? `The uploader stopped unexpectedly${code === null ? '' : ` (exit code ${code})`}`
        : `The uploader could not run: ${this.#lastFailure}`;
    this.#phase = 'waiting';
    this.#announce({ state: 'unavailable', detail: `${cause}. Restarting in ${seconds} s.` });
    this.#failWaiting(this.#status.detail ?? cause);
    this.#timer = this.#timers.setTimeout(() => this.#spawn(), delay);
  }

  #forward(forwarded: Forwarded): void {
    this.#inFlight.set(forwarded.request.id, forwarded);
    this.#child?.post({ kind: 'request', request: forwarded.request });
  }

  #refuse(forwarded: Forwarded): void {
    const message = this.#status.detail ?? 'The uploader is not running';
    forwarded.resolve({ id: forwarded.originalId, error: { code: CORE_UNAVAILABLE, message } });
  }

  #failWaiting(message: string): void {
    const all = [...this.#inFlight.values(), ...this.#waitingForReady.splice(0)];
    this.#inFlight.clear();
    for (const forwarded of all) {
      forwarded.resolve({ id: forwarded.originalId, error: { code: CORE_UNAVAILABLE, message } });
    }
  }

  /** The first `running` is not news; `running` after `unavailable` tells the UI to catch up. */
  #announce(status: CoreStatus): void {
    this.#status = status;
    if (status.state === 'running' && !this.#announcedDown) return;
    this.#announcedDown = status.state === 'unavailable';
    this.#options.onEvent({ event: 'core-status', payload: status });
  }

  #clearTimer(): void {
    if (this.#timer !== null) this.#timers.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
