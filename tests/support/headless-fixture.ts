import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  STORAGE_API_TOKEN_ENV,
  STORAGE_API_TOKEN_SECRET,
} from '../../src-main/core/auth/env-secret-store.ts';
import { KeychainSecretStore } from '../../src-main/core/auth/keychain-secret-store.ts';
import { systemClock } from '../../src-main/core/host-services.ts';
import { openDatabase } from '../../src-main/core/store/database.ts';
import { readInstallId } from '../../src-main/core/store/install-id.ts';
import { SqliteJobStore, toJobView } from '../../src-main/core/store/job-store.ts';
import type { StatusReport } from '../../src-main/headless/commands/status-command.ts';
import type { JobState, JobView } from '../../src-shared/job.ts';
import type { Settings } from '../../src-shared/settings.ts';
import { type StoragePeer, type StoragePeerOptions, startStoragePeer } from '../peers/storage-api-peer.ts';
import { type CliOutcome, HeadlessProcess, runCli, type SpawnOptions } from './headless-cli.ts';

export const KiB = 1024;
/** The line `run --web-ui` prints once it serves the web UI, with the address to open. */
export const WEB_UI_ADDRESS = /Web UI: (\S+)/;
export const MiB = 1024 * KiB;

export interface RunOptions extends SpawnOptions {
  /** The token put in RECORDING_UPLOADER_STORAGE_API_TOKEN: the peer's by default, null for none. */
  token?: string | null;
}

/**
 * One headless installation under test: a recordings folder, a fresh data folder, a settings
 * file that points `run` at the storage API peer on loopback, and the peer itself. Children
 * are real `node src-main/headless/main.ts` processes; nothing of the uploader runs in here.
 */
export class HeadlessFixture {
  readonly root = mkdtempSync(join(tmpdir(), 'headless-it-'));
  readonly folder = join(this.root, 'recordings');
  readonly dataDir = join(this.root, 'data');
  readonly settingsFile = join(this.root, 'run-settings.json');
  /** The policy file the children run under, once writePolicy gave one. */
  readonly policyFile = join(this.root, 'policy.json');
  readonly peer: StoragePeer;
  readonly #children: HeadlessProcess[] = [];
  #usedKeychain = false;
  #underPolicy = false;

  private constructor(peer: StoragePeer) {
    this.peer = peer;
    mkdirSync(this.folder, { recursive: true });
  }

  /** Small chunks and a one-second settle time keep every run short. */
  static async start(
    options: { peer?: StoragePeerOptions; settings?: Partial<Settings>; policy?: unknown } = {},
  ): Promise<HeadlessFixture> {
    const peer = await startStoragePeer({ chunkSize: 256 * KiB, ...options.peer });
    const fixture = new HeadlessFixture(peer);
    if (options.policy !== undefined) fixture.writePolicy(options.policy);
    fixture.writeSettings({
      recordingsFolder: fixture.folder,
      storageApiBaseUrl: peer.baseUrl,
      settleSeconds: 1,
      chunkSizeBytes: MiB,
      ...options.settings,
    });
    return fixture;
  }

  /** Every child of this fixture runs under this policy (JSON, or text for a malformed one). */
  writePolicy(policy: unknown): void {
    writeFileSync(this.policyFile, typeof policy === 'string' ? policy : JSON.stringify(policy, null, 2));
    this.#underPolicy = true;
  }

  writeSettings(settings: Record<string, unknown>): void {
    writeFileSync(this.settingsFile, JSON.stringify(settings, null, 2));
  }

  /** `run --data-dir … --settings …`, left running. */
  run(options: RunOptions = {}): HeadlessProcess {
    const args = ['run', '--data-dir', this.dataDir, '--settings', this.settingsFile];
    return this.spawn(args, options);
  }

  /** `run … --web-ui` (and `extra`), left running, with the address it serves the web UI at. */
  async runWebUi(
    extra: readonly string[] = [],
    options: RunOptions = {},
  ): Promise<{ host: HeadlessProcess; url: string }> {
    const args = ['run', '--data-dir', this.dataDir, '--settings', this.settingsFile, '--web-ui', ...extra];
    const host = this.spawn(args, options);
    const url = WEB_UI_ADDRESS.exec(await host.waitForOutput(WEB_UI_ADDRESS))?.[1] ?? '';
    return { host, url };
  }

  spawn(args: readonly string[], options: RunOptions = {}): HeadlessProcess {
    const token = options.token === undefined ? this.peer.token : options.token;
    const env = { ...(token === null ? {} : { [STORAGE_API_TOKEN_ENV]: token }), ...options.env };
    const child = new HeadlessProcess(args, { ...this.#policyOption(), ...options, env });
    this.#children.push(child);
    return child;
  }

  /** A command run to its end against this data folder. */
  cli(command: readonly string[], options: SpawnOptions = {}): Promise<CliOutcome> {
    if (command.includes('set-secret') || command.includes('import-wats-config')) this.#usedKeychain = true;
    return runCli([...command, '--data-dir', this.dataDir], { ...this.#policyOption(), ...options });
  }

  #policyOption(): SpawnOptions {
    return this.#underPolicy ? { policyFile: this.policyFile } : {};
  }

  async status(): Promise<StatusReport> {
    const outcome = await this.cli(['status', '--json']);
    if (outcome.code !== 0) throw new Error(`status --json failed (${outcome.code}): ${outcome.stderr}`);
    return JSON.parse(outcome.stdout) as StatusReport;
  }

  /**
   * The queue, read straight from the data folder's database beside whatever child is running
   * (cheaper to poll than `status`, which has tests of its own).
   */
  jobs(): JobView[] {
    const file = join(this.dataDir, 'uploader.db');
    if (!existsSync(file)) return [];
    const db = new BetterSqlite3(file);
    try {
      db.pragma('busy_timeout = 5000');
      return new SqliteJobStore(db, systemClock).list('all', 0, 10_000).map(toJobView);
    } catch (error) {
      // A child may be creating the database this very moment: no queue yet.
      if (/no such table/.test(String(error))) return [];
      throw error;
    } finally {
      db.close();
    }
  }

  /** Polls the queue until the named job is in one of `states`. */
  async waitForJob(fileName: string, states: JobState[], timeoutMs = 30_000): Promise<JobView> {
    const deadline = Date.now() + timeoutMs;
    let seen = 'no such job';
    for (;;) {
      const job = this.jobs().find((j) => j.fileName === fileName);
      if (job !== undefined && states.includes(job.state)) return job;
      if (job !== undefined) seen = `${job.state}${job.lastError ? ` (${job.lastError})` : ''}`;
      if (Date.now() > deadline) {
        throw new Error(
          `job ${fileName} did not become ${states.join('/')} in ${timeoutMs} ms: ${seen}\n${this.#outputs()}`,
        );
      }
      await sleep(50);
    }
  }

  /** Writes a recording of `size` random bytes into the watched folder and returns them. */
  writeRecording(name: string, size: number): Buffer {
    const bytes = randomBytes(size);
    writeFileSync(join(this.folder, name), bytes);
    return bytes;
  }

  /** Waits until the server has finalized a recording of this name. */
  async waitForStored(fileName: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.peer.recordings().some((r) => r.fileName === fileName)) {
      if (Date.now() > deadline) {
        throw new Error(`${fileName} was not stored on the server in ${timeoutMs} ms\n${this.#outputs()}`);
      }
      await sleep(25);
    }
  }

  /** What the children printed, for a failure message. */
  #outputs(): string {
    return this.#children
      .map((c) => `--- ${c.args[0]} (${c.running ? 'running' : 'ended'}):\n${c.stdout}${c.stderr}`)
      .join('\n');
  }

  /** The bytes the server holds under this name; throws unless exactly one recording has it. */
  async storedOnce(fileName: string): Promise<Buffer> {
    const matches = this.peer.recordings().filter((r) => r.fileName === fileName);
    if (matches.length !== 1) throw new Error(`expected one stored ${fileName}, found ${matches.length}`);
    return this.peer.readRecording((matches[0] as { fileId: string }).fileId);
  }

  /** The keychain store the headless host uses for this data folder (namespaced by its install id). */
  keychain(): KeychainSecretStore {
    const db = openDatabase(join(this.dataDir, 'uploader.db'));
    try {
      return new KeychainSecretStore({ namespace: readInstallId(db), dataDir: this.dataDir });
    } finally {
      db.close();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#children.map((child) => child.stop('SIGKILL').catch(() => undefined)));
    if (this.#usedKeychain) await this.keychain().delete(STORAGE_API_TOKEN_SECRET);
    await this.peer.close();
    rmSync(this.root, { recursive: true, force: true });
  }
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
