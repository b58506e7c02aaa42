import { hostname } from 'node:os';
import { APP_VERSION } from '../../../src-shared/app-version.ts';
import type { DestinationKind } from '../../../src-shared/settings.ts';
import type { Destination } from '../destinations/destination.ts';
import type { Clock } from '../host-services.ts';
import type { Logger } from '../logging/logger.ts';
import type { QueueFacts } from '../store/job-store.ts';
import type { LedgerHead } from '../store/ledger.ts';

export const HEARTBEAT_FORMAT = 'recording-uploader-heartbeat/1';
const FIVE_MINUTES_MS = 5 * 60_000;

/** What each machine writes to _recording-uploader/MACHINE.json: a stale one is the alarm. */
export interface HeartbeatFile {
  format: typeof HEARTBEAT_FORMAT;
  machine: string;
  writtenAt: string;
  appVersion: string;
  destination: DestinationKind;
  lastSuccessAt: string | null;
  queueDepth: number;
  oldestWaitingSeconds: number | null;
  /** The app's one health headline, as the header and the tray show it. */
  health: HeartbeatHealth;
  /** The ledger's last entry: a rewrite of the local chain disagrees with what left the machine. */
  ledgerHead: LedgerHead;
}

export interface HeartbeatHealth {
  kind: string;
  tone: string;
  text: string;
}

export interface HeartbeatOptions {
  enabled(): boolean;
  destination(): Destination | undefined;
  queue(): QueueFacts;
  ledgerHead(): LedgerHead;
  health(): HeartbeatHealth;
  clock: Clock;
  logger: Logger;
  signal(): AbortSignal;
  intervalMs?: number;
}

/** The file name: the machine's name, in characters every destination accepts. */
export function heartbeatFileName(machine: string): string {
  return `${machine.replace(/[^A-Za-z0-9._-]/g, '_') || 'machine'}.json`;
}

/**
 * Writes the heartbeat every few minutes while the setting is on and the destination is ready.
 * A write that fails is logged once until one succeeds again; it never touches an upload.
 */
export class Heartbeat {
  readonly #options: HeartbeatOptions;
  readonly #machine = hostname();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | null = null;
  #failing = false;

  constructor(options: HeartbeatOptions) {
    this.#options = options;
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.#running ??= this.beat()
        .then(() => {})
        .finally(() => {
          this.#running = null;
        });
    }, this.#options.intervalMs ?? FIVE_MINUTES_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  /** Writes one heartbeat now; false when it is off, has no place, or failed. */
  async beat(): Promise<boolean> {
    const destination = this.#options.destination();
    if (!this.#options.enabled() || destination?.writeHeartbeat === undefined) return false;
    const file = this.facts(destination.kind);
    const bytes = new TextEncoder().encode(`${JSON.stringify(file, null, 2)}\n`);
    try {
      const written = await destination.writeHeartbeat(
        heartbeatFileName(this.#machine),
        bytes,
        this.#options.signal(),
      );
      this.#failing = false;
      return written;
    } catch (error) {
      if (!this.#failing) {
        const reason = error instanceof Error ? error.message : String(error);
        this.#options.logger.warn('heartbeat not written', { destination: destination.kind, reason });
      }
      this.#failing = true;
      return false;
    }
  }

  facts(destination: DestinationKind): HeartbeatFile {
    const now = this.#options.clock.now();
    const queue = this.#options.queue();
    return {
      format: HEARTBEAT_FORMAT,
      machine: this.#machine,
      writtenAt: new Date(now).toISOString(),
      appVersion: APP_VERSION,
      destination,
      lastSuccessAt: queue.lastSuccessAt === null ? null : new Date(queue.lastSuccessAt).toISOString(),
      queueDepth: queue.depth,
      oldestWaitingSeconds:
        queue.oldestWaitingSince === null
          ? null
          : Math.max(0, Math.round((now - queue.oldestWaitingSince) / 1000)),
      health: this.#options.health(),
      ledgerHead: this.#options.ledgerHead(),
    };
  }
}
