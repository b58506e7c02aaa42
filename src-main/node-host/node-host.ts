import { EnvOverlaySecretStore } from '../core/auth/env-secret-store.ts';
import { KeychainSecretStore } from '../core/auth/keychain-secret-store.ts';
import { type HostServices, systemClock } from '../core/host-services.ts';
import { createFileLogger } from '../core/logging/file-logger.ts';
import { type Database, openDatabase } from '../core/store/database.ts';
import { readInstallId } from '../core/store/install-id.ts';
import { applyCpuPriority } from './cpu-priority.ts';
import { dataPaths } from './data-dir.ts';
import { makeDataFolderPrivate } from './private-data-folder.ts';

export interface NodeHost {
  services: HostServices;
  db: Database;
  close(): Promise<void>;
}

/**
 * The platform services of a Node host — the headless command line and the desktop core process
 * alike: undici's fetch (through HTTPS_PROXY when one is set), the OS keychain (or the
 * environment's token), a log file in the data folder, and no browser: a sign-in URL is printed
 * for the operator to open (the desktop core process replaces fetch and openBrowser with its own).
 */
export function openNodeHost(dataDir: string, echo?: (line: string) => void): NodeHost {
  const paths = dataPaths(dataDir);
  makeDataFolderPrivate(dataDir);
  const db = openDatabase(paths.database);
  const logger = createFileLogger({ dir: paths.logs, ...(echo ? { echo } : {}) });
  // The database and the logs folder may have just been made: private from their first byte on.
  makeDataFolderPrivate(dataDir);
  const secrets = new EnvOverlaySecretStore(
    new KeychainSecretStore({ namespace: readInstallId(db), dataDir, logger }),
    { logger },
  );
  const services: HostServices = {
    fetch: proxyAwareFetch(),
    openBrowser: async (url) => {
      process.stdout.write(`Open this address in a browser to sign in:\n  ${url}\n`);
    },
    secrets,
    dataDir,
    clock: systemClock,
    logger,
    setCpuPriority: (priority) => applyCpuPriority(priority, logger),
  };
  return {
    services,
    db,
    close: async () => {
      db.close();
      await logger.close();
    },
  };
}

/**
 * undici's own fetch rather than the one built into Node: Node 24's (undici 7) tees every streamed
 * request body and keeps the unread branch until the request ends, so a single-request upload
 * held the whole recording in memory. undici 8 sends a streamed body without that second branch.
 * It is loaded at the first request: the desktop core process replaces this fetch with
 * Electron's and so never carries undici (about 6 MB resident).
 */
function proxyAwareFetch(): typeof fetch {
  let loading: Promise<{ send: typeof import('undici').fetch; dispatcher: object }> | null = null;
  const load = async () => {
    const { EnvHttpProxyAgent, fetch: send } = await import('undici');
    const env = process.env;
    const proxied = [env.HTTPS_PROXY, env.https_proxy, env.HTTP_PROXY, env.http_proxy].some((v) => v);
    return { send, dispatcher: proxied ? { dispatcher: new EnvHttpProxyAgent() } : {} };
  };
  return (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    loading ??= load().catch((error: unknown) => {
      loading = null;
      throw error;
    });
    const { send, dispatcher } = await loading;
    return send(input as never, { ...(init as object), ...dispatcher } as never);
  }) as unknown as typeof fetch;
}
