import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCommandRouter } from '../../core/bridge/command-router.ts';
import type { Uploader } from '../../core/uploader.ts';
import { dataPaths } from '../../node-host/data-dir.ts';
import { type CliArgs, stringOption, UsageError } from '../cli-args.ts';
import { readWebUiAddress, saveWebUiAddress } from './web-ui-address.ts';
import { newSecret } from './web-ui-gate.ts';
import { startWebUiServer, type WebUiServer } from './web-ui-server.ts';

/**
 * Vite's outDir (vite.config.ts): from this file in src-main/headless/web-ui/ when the sources
 * run, from out/headless/ when the built host does (scripts/build-headless.ts).
 */
export const RENDERER_BUILD_DIR = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? '../../../out/renderer' : '../renderer', import.meta.url),
);

export const WEB_UI_OPTIONS = ['web-ui', 'web-ui-port'] as const;

export interface WebUiRequest {
  /** The port asked for with --web-ui-port (0: any free one); undefined: this data folder's own. */
  port: number | undefined;
}

export interface StartedWebUi {
  server: WebUiServer;
  /** Said on standard error when the data folder's own port was taken and another one serves. */
  notice: string | null;
}

/**
 * `run --web-ui [--web-ui-port N]`, checked before anything starts: the port is a port, and the UI
 * it would serve has been built (otherwise it says exactly how to build it).
 */
export function webUiRequest(args: CliArgs, rendererDir = RENDERER_BUILD_DIR): WebUiRequest | null {
  const portText = stringOption(args, 'web-ui-port');
  if (!args.options.has('web-ui')) {
    if (portText !== undefined) throw new UsageError('--web-ui-port needs --web-ui');
    return null;
  }
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    throw new UsageError(`--web-ui-port must be a port number from 0 to 65535, not "${portText}"`);
  }
  const page = join(rendererDir, 'index.html');
  if (!existsSync(page)) {
    // out/renderer sits in out/ of the checkout, whether the sources or the built host run.
    const checkout = dirname(dirname(rendererDir));
    throw new UsageError(
      `--web-ui: the web UI is not built (there is no ${page}). Build it with "npm run build:renderer" in ${checkout}, then start again.`,
    );
  }
  return { port };
}

/**
 * Serves the same UI as the desktop app, in a browser on this machine, at the address this data
 * folder's web UI had before (its port and secret are kept in the data folder), so a page left open
 * across a restart reconnects by itself. A port given on the command line becomes the folder's own.
 */
export async function startWebUi(
  request: WebUiRequest,
  uploader: Uploader,
  dataDir: string,
): Promise<StartedWebUi> {
  const file = dataPaths(dataDir).webUi;
  const saved = readWebUiAddress(file);
  const secret = saved?.secret ?? newSecret();
  const endpoint = {
    route: createCommandRouter(uploader),
    subscribe: (listener: Parameters<Uploader['events']['subscribe']>[0]) =>
      uploader.events.subscribe(listener),
  };
  const serve = (port: number) =>
    startWebUiServer({ endpoint, rendererDir: RENDERER_BUILD_DIR, port, secret });
  const wanted = request.port ?? saved?.port ?? 0;
  let server: WebUiServer;
  let notice: string | null = null;
  try {
    server = await serve(wanted);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if (request.port !== undefined) {
      throw new UsageError(
        `port ${wanted} on 127.0.0.1 is taken: pick another --web-ui-port, or leave it out`,
      );
    }
    // Uploads do not wait for a port: the UI is served elsewhere for this run, and says so.
    server = await serve(0);
    notice =
      `Web UI: port ${wanted} on 127.0.0.1, this data folder's web UI address, is taken by another program; ` +
      `serving on port ${server.port} for this run instead. A page open at the old address cannot reconnect: ` +
      `open the new one. Free port ${wanted}, or choose one with --web-ui-port, to keep one address across restarts.`;
  }
  // Taken for this run only, the folder's own port stays its address for the next start.
  const port = notice === null ? server.port : wanted;
  if (saved?.port !== port || saved.secret !== secret) saveWebUiAddress(file, { port, secret });
  return { server, notice };
}
