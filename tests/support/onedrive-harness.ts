import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeychainSecretStore } from '../../src-main/core/auth/keychain-secret-store.ts';
import { ONEDRIVE_CACHE_SECRET } from '../../src-main/core/destinations/onedrive/auth/msal-secret-cache.ts';
import { systemClock } from '../../src-main/core/host-services.ts';
import { type Logger, silentLogger } from '../../src-main/core/logging/logger.ts';
import { type Database, openDatabase } from '../../src-main/core/store/database.ts';
import { readInstallId } from '../../src-main/core/store/install-id.ts';
import { Uploader } from '../../src-main/core/uploader.ts';
import type { BridgeEvent } from '../../src-shared/bridge-contract.ts';
import type { JobView } from '../../src-shared/job.ts';
import type { Settings } from '../../src-shared/settings.ts';
import { type GraphPeer, type GraphPeerOptions, startGraphPeer } from '../peers/graph-peer.ts';
import { type IdentityProviderPeer, startIdentityProvider } from '../peers/identity-provider.ts';
import { visitSignIn } from './form-post-browser.ts';
import { jobOf, jobsOf, waitForJobStates, writeRecordingInto } from './recording-jobs.ts';
import { fetchTrusting } from './trusting-fetch.ts';

export interface OneDriveHarnessOptions {
  settings?: Partial<Settings>;
  graph?: Partial<Omit<GraphPeerOptions, 'authorize'>>;
  accessTokenTtlSeconds?: number;
  logger?: Logger;
  /**
   * Save the endpoints a sign-in is bound to (the authority, Graph) as the operator would, instead
   * of fixing them for the run: they can then be changed through the bridge.
   */
  saveEndpoints?: boolean;
}

/**
 * A whole uploader signed in to OneDrive as an operator would be: the identity provider over TLS,
 * the Graph peer, a real recordings folder, SQLite file and keychain. The browser is an HTTP client
 * that follows the sign-in and posts its form to MSAL's loopback listener.
 */
export class OneDriveHarness {
  readonly root = mkdtempSync(join(tmpdir(), 'onedrive-it-'));
  readonly folder = join(this.root, 'recordings');
  readonly dataDir = join(this.root, 'data');
  readonly events: BridgeEvent[] = [];
  idp!: IdentityProviderPeer;
  graph!: GraphPeer;
  db!: Database;
  secrets!: KeychainSecretStore;
  uploader!: Uploader;
  /** Sign-ins the "browser" completed. */
  browserVisits = 0;
  #options: OneDriveHarnessOptions = {};

  static async start(options: OneDriveHarnessOptions = {}): Promise<OneDriveHarness> {
    const harness = new OneDriveHarness();
    mkdirSync(harness.folder, { recursive: true });
    mkdirSync(harness.dataDir, { recursive: true });
    harness.#options = options;
    harness.idp = await startIdentityProvider(
      options.accessTokenTtlSeconds === undefined
        ? {}
        : { accessTokenTtlSeconds: options.accessTokenTtlSeconds },
    );
    harness.graph = await startGraphPeer({
      storeDir: join(harness.root, 'graph-store'),
      ...options.graph,
      authorize: (token) => {
        const user = harness.idp.userOf(token);
        return user === null
          ? null
          : { id: user.oid, displayName: user.name, userPrincipalName: user.preferredUsername };
      },
    });
    harness.db = openDatabase(join(harness.dataDir, 'uploader.db'));
    harness.secrets = new KeychainSecretStore({
      namespace: readInstallId(harness.db),
      dataDir: harness.dataDir,
    });
    harness.uploader = harness.#makeUploader();
    if (options.saveEndpoints === true) {
      await harness.uploader.updateSettings({
        graphBaseUrl: harness.graph.baseUrl,
        oneDriveAuthorityHost: harness.idp.origin,
      });
    }
    await harness.uploader.start();
    return harness;
  }

  get trustingFetch(): typeof fetch {
    return fetchTrusting(this.idp.certificate);
  }

  #makeUploader(): Uploader {
    const trusting = this.trustingFetch;
    const uploader = new Uploader({
      host: {
        fetch: trusting,
        openBrowser: async (url) => {
          await visitSignIn(url, trusting);
          this.browserVisits += 1;
        },
        secrets: this.secrets,
        dataDir: this.dataDir,
        clock: systemClock,
        logger: this.#options.logger ?? silentLogger,
      },
      db: this.db,
      overrides: {
        recordingsFolder: this.folder,
        activeDestination: 'onedrive',
        oneDriveClientId: this.idp.clientId,
        ...(this.#options.saveEndpoints === true
          ? {}
          : { oneDriveAuthorityHost: this.idp.origin, graphBaseUrl: this.graph.baseUrl }),
        settleSeconds: 1,
        chunkSizeBytes: 4 * 320 * 1024,
        ...this.#options.settings,
      },
      tuning: { baseMs: 20, capMs: 200 },
      credentialPollMs: 100,
    });
    uploader.events.subscribe((event) => this.events.push(event));
    return uploader;
  }

  connect(): ReturnType<Uploader['connect']> {
    return this.uploader.connect({ destination: 'onedrive' });
  }

  async restart(): Promise<void> {
    await this.uploader.stop();
    this.uploader = this.#makeUploader();
    await this.uploader.start();
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

  async close(): Promise<void> {
    await this.uploader.stop().catch(() => {});
    await this.secrets.delete(ONEDRIVE_CACHE_SECRET).catch(() => {});
    this.db.close();
    await this.graph.close();
    await this.idp.close();
    rmSync(this.root, { recursive: true, force: true });
  }
}
