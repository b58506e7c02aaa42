import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EnvOverlaySecretStore,
  STORAGE_API_TOKEN_SECRET,
} from '../../src-main/core/auth/env-secret-store.ts';
import { KeychainSecretStore } from '../../src-main/core/auth/keychain-secret-store.ts';
import type { EngineTuning } from '../../src-main/core/engine/upload-engine.ts';
import { type Clock, systemClock } from '../../src-main/core/host-services.ts';
import { type Logger, silentLogger } from '../../src-main/core/logging/logger.ts';
import { PolicyRules } from '../../src-main/core/policy/policy-rules.ts';
import { type Database, openDatabase } from '../../src-main/core/store/database.ts';
import { readInstallId } from '../../src-main/core/store/install-id.ts';
import type { OpenForReading } from '../../src-main/core/transfer/recording-file.ts';
import { Uploader } from '../../src-main/core/uploader.ts';
import type { BridgeEvent } from '../../src-shared/bridge-contract.ts';
import type { JobView } from '../../src-shared/job.ts';
import { readPolicy } from '../../src-shared/policy.ts';
import type { Settings } from '../../src-shared/settings.ts';
import { type StoragePeer, type StoragePeerOptions, startStoragePeer } from '../peers/storage-api-peer.ts';
import { jobOf, jobsOf, waitForJobStates, writeRecordingInto } from './recording-jobs.ts';

export interface HarnessOptions {
  peer?: StoragePeerOptions;
  settings?: Partial<Settings>;
  /** The token the uploader is given; the peer's own by default, null for none. */
  token?: string | null;
  tuning?: EngineTuning;
  /** The environment the uploader sees (RECORDING_UPLOADER_STORAGE_API_TOKEN), laid over the keychain; none by default. */
  env?: Record<string, string | undefined>;
  /** How recordings are opened; the file system's open by default (a test may hold a file busy). */
  openFile?: OpenForReading;
  /** The host's fetch; the real one by default (a test may wrap it to act at an exact moment). */
  fetch?: typeof fetch;
  /** The host's clock; the system's by default (a test may start the day at 17:59:58, or move it on to skip a long wait). */
  clock?: Clock;
  /** The host's logger, or one made for the data folder (as hosts keep their logs there); silent by default. */
  logger?: Logger | ((dataDir: string) => Logger);
  /** The machine policy the host hands the core; none by default. */
  policy?: PolicyRules;
  /** The storage API URL saved as the operator's setting (changeable through the bridge), not laid over it. */
  saveBaseUrl?: boolean;
}

/**
 * A whole uploader as a user runs it: a real recordings folder, a real SQLite file, the real
 * keychain, and the storage API peer on loopback. Retry waits are shrunk, nothing else.
 */
export class UploaderHarness {
  readonly root = mkdtempSync(join(tmpdir(), 'uploader-it-'));
  readonly folder = join(this.root, 'recordings');
  readonly dataDir = join(this.root, 'data');
  /** The peer's stored bytes live here, so a peer started again after an outage finds them. */
  readonly peerStoreDir = join(this.root, 'peer-store');
  readonly events: BridgeEvent[] = [];
  peer!: StoragePeer;
  db!: Database;
  secrets!: KeychainSecretStore;
  uploader!: Uploader;
  #peerOptions: StoragePeerOptions = {};
  #startOptions: HarnessOptions = {};

  static async start(options: HarnessOptions = {}): Promise<UploaderHarness> {
    const harness = new UploaderHarness();
    await harness.#start(options);
    return harness;
  }

  async #start(options: HarnessOptions): Promise<void> {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(this.folder, { recursive: true });
    await mkdir(this.dataDir, { recursive: true });
    this.#peerOptions = { storeDir: this.peerStoreDir, ...options.peer };
    this.#startOptions = options;
    this.peer = await startStoragePeer(this.#peerOptions);
    this.db = openDatabase(join(this.dataDir, 'uploader.db'));
    this.secrets = new KeychainSecretStore({ namespace: readInstallId(this.db), dataDir: this.dataDir });
    const token = options.token === undefined ? this.peer.token : options.token;
    if (token !== null) await this.secrets.set(STORAGE_API_TOKEN_SECRET, token);
    this.uploader = this.#makeUploader(options);
    this.uploader.events.subscribe((event) => this.events.push(event));
    if (options.saveBaseUrl === true)
      await this.uploader.updateSettings({ storageApiBaseUrl: this.peer.baseUrl });
    await this.uploader.start();
  }

  #makeUploader(options: HarnessOptions): Uploader {
    return new Uploader({
      host: {
        fetch: options.fetch ?? this.#startOptions.fetch ?? globalThis.fetch,
        openBrowser: async () => {},
        secrets:
          (options.env ?? this.#startOptions.env)
            ? new EnvOverlaySecretStore(this.secrets, { env: options.env ?? this.#startOptions.env })
            : this.secrets,
        dataDir: this.dataDir,
        clock: options.clock ?? this.#startOptions.clock ?? systemClock,
        logger: this.#logger(options.logger ?? this.#startOptions.logger),
      },
      db: this.db,
      ...((options.openFile ?? this.#startOptions.openFile)
        ? { openFile: options.openFile ?? this.#startOptions.openFile }
        : {}),
      ...((options.policy ?? this.#startOptions.policy)
        ? { policy: options.policy ?? this.#startOptions.policy }
        : {}),
      overrides: {
        recordingsFolder: this.folder,
        ...(this.#startOptions.saveBaseUrl === true ? {} : { storageApiBaseUrl: this.peer.baseUrl }),
        settleSeconds: 1,
        chunkSizeBytes: 1024 * 1024,
        ...options.settings,
      },
      tuning: { baseMs: 20, capMs: 200, recheckMs: 200, ...options.tuning },
      credentialPollMs: 100,
    });
  }

  #logger(choice: HarnessOptions['logger']): Logger {
    if (choice === undefined) return silentLogger;
    return typeof choice === 'function' ? choice(this.dataDir) : choice;
  }

  /** Writes a recording of `size` random bytes (or the given bytes) and returns its content. */
  writeRecording(name: string, content: number | Buffer, sidecar?: unknown): Promise<Buffer> {
    return writeRecordingInto(this.folder, name, content, sidecar);
  }

  jobs(): JobView[] {
    return jobsOf(this.uploader);
  }

  job(fileName: string): JobView | undefined {
    return jobOf(this.uploader, fileName);
  }

  /** Waits until every named recording's job is in one of `states`. */
  waitForStates(fileNames: string[], states: JobView['state'][], timeoutMs?: number): Promise<JobView[]> {
    return waitForJobStates(this, fileNames, states, timeoutMs);
  }

  /** The bytes the server stored under this file name (exactly one recording must have it). */
  async stored(fileName: string): Promise<Buffer> {
    const matches = this.peer.recordings().filter((r) => r.fileName === fileName);
    if (matches.length !== 1) throw new Error(`expected one stored ${fileName}, found ${matches.length}`);
    return this.peer.readRecording((matches[0] as { fileId: string }).fileId);
  }

  async restart(options: HarnessOptions = {}): Promise<void> {
    await this.uploader.stop();
    this.uploader = this.#makeUploader(options);
    this.uploader.events.subscribe((event) => this.events.push(event));
    await this.uploader.start();
  }

  /** The server goes away (an outage): connections are cut and new ones refused. */
  async stopPeer(): Promise<void> {
    await this.peer.close();
  }

  /** The server is back on the same address, with the same token and stored bytes, but no memory of sessions. */
  async startPeerAgain(): Promise<void> {
    const port = Number(new URL(this.peer.origin).port);
    this.peer = await startStoragePeer({ ...this.#peerOptions, token: this.peer.token, port });
  }

  async close(): Promise<void> {
    await this.uploader.stop().catch(() => {});
    await this.secrets.delete(STORAGE_API_TOKEN_SECRET).catch(() => {});
    this.db.close();
    await this.peer.close();
    rmSync(this.root, { recursive: true, force: true });
  }
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A policy as the host would hand it to the core after reading it from the machine's policy file. */
export function policyOf(json: unknown, file = '/etc/recording-uploader/policy.json'): PolicyRules {
  const result = readPolicy(file, json);
  if (!result.ok) throw new Error(result.problem);
  return new PolicyRules({ state: 'in-force', policy: result.policy });
}
