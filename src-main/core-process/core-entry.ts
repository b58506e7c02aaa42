import { headlineText } from '../../src-shared/health-words.ts';
import { createCommandRouter } from '../core/bridge/command-router.ts';
import type { HostServices } from '../core/host-services.ts';
import { loadMachinePolicy } from '../core/policy/policy-file.ts';
import { PolicyRules } from '../core/policy/policy-rules.ts';
import { Uploader } from '../core/uploader.ts';
import { dataPaths, defaultDataDir } from '../node-host/data-dir.ts';
import { acquireInstanceLock } from '../node-host/instance-lock.ts';
import { openNodeHost } from '../node-host/node-host.ts';
import { writeSupportFiles } from '../node-host/support-files.ts';
import { DESKTOP_HOST_CAPABILITIES } from './host-capabilities.ts';
import { type ParentChannel, parentChannel } from './parent-channel.ts';

/** Within the shell's own deadline for a stop, so the core always reports back before it is killed. */
const STOP_DEADLINE_MS = 8000;
/** After its last word the process ends by itself, should the shell not end it first. */
const EXIT_GRACE_MS = 1000;

/**
 * The core process of the desktop app: the headless host's own services and uploader (one data
 * folder, one instance lock, the same keychain and log files), driven over the parent channel
 * instead of a terminal. Inside Electron it fetches through Chromium's network stack, which follows
 * the system proxy and certificate store.
 */
async function runCore(channel: ParentChannel, dataDir: string): Promise<void> {
  const desktopFetch = await electronFetch();
  const lock = acquireInstanceLock(dataPaths(dataDir).lock);
  let host: ReturnType<typeof openNodeHost>;
  try {
    host = openNodeHost(dataDir);
  } catch (error) {
    lock.release();
    throw error;
  }
  const services: HostServices = {
    ...host.services,
    ...(desktopFetch === null ? {} : { fetch: desktopFetch }),
    openBrowser: async (url) => channel.post({ kind: 'open-browser', url }),
  };
  // The desktop shell that started this process answers the folder dialog and show-in-folder.
  // Read from where the OS keeps it, once per start of the core: a changed policy applies at the next.
  const policy = new PolicyRules(loadMachinePolicy());
  const uploader = new Uploader({
    host: services,
    db: host.db,
    hostCapabilities: DESKTOP_HOST_CAPABILITIES,
    policy,
  });
  const route = createCommandRouter(uploader);
  uploader.events.subscribe((event) => channel.post({ kind: 'event', event }));

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      const late = new Promise((resolve) => setTimeout(resolve, STOP_DEADLINE_MS).unref());
      await Promise.race([uploader.stop(), late]);
      await host.close();
      lock.release();
    })();
    return stopping;
  };
  channel.onMessage((message) => {
    if (message.kind === 'request') {
      void route(message.request).then((response) => channel.post({ kind: 'response', response }));
    } else if (message.kind === 'support-files') {
      const now = Date.now();
      const snapshot = uploader.getSnapshot({ jobLimit: 1000 });
      const status = { headline: headlineText(snapshot.health.headline, 'en', now), snapshot };
      void writeSupportFiles({
        db: host.db,
        dataDir,
        policyFile: policy.file,
        status,
        outDir: message.folder,
        now,
      })
        .catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }))
        .then((result) => channel.post({ kind: 'support-files', result }));
    } else if (message.kind === 'stop') {
      void stop().then(() => finish(channel, { kind: 'stopped' }, 0));
    }
  });
  channel.onParentGone(() => void stop().then(() => process.exit(0)));
  channel.post({ kind: 'ready' });
  try {
    await uploader.start();
  } catch (error) {
    await stop();
    throw error;
  }
}

async function electronFetch(): Promise<typeof fetch | null> {
  if (process.versions.electron === undefined) return null;
  const { net } = await import('electron');
  return ((input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    net.fetch(input as string, init)) as typeof fetch;
}

function finish(
  channel: ParentChannel,
  last: { kind: 'stopped' } | { kind: 'failed'; message: string },
  code: number,
) {
  channel.post(last);
  process.exitCode = code;
  setTimeout(() => process.exit(code), EXIT_GRACE_MS);
}

/** `--data-dir DIR` wherever it sits: Electron and Node lay out a child's argv differently. */
function dataDirArg(argv: readonly string[]): string | undefined {
  const at = argv.indexOf('--data-dir');
  return at === -1 ? undefined : argv[at + 1];
}

const channel = parentChannel();
runCore(channel, dataDirArg(process.argv) ?? defaultDataDir()).catch((error: unknown) => {
  finish(channel, { kind: 'failed', message: error instanceof Error ? error.message : String(error) }, 1);
});
