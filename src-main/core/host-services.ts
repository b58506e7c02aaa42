import type { CpuPriority } from '../../src-shared/settings.ts';
import type { SecretStore } from './auth/secret-store.ts';
import type { Logger } from './logging/logger.ts';

export interface Clock {
  now(): number;
  /** Time elapsed, never set back (`performance.now()` unless a test steps it). */
  elapsed?(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** What a host (Electron shell, headless CLI, a test) hands the core: it never reaches for these itself. */
export interface HostServices {
  fetch: typeof fetch;
  openBrowser(url: string): Promise<void>;
  secrets: SecretStore;
  dataDir: string;
  clock: Clock;
  logger: Logger;
  /** The core's own process (desktop core process, headless host); absent where the core is a guest (tests). */
  setCpuPriority?(priority: CpuPriority): void;
}
