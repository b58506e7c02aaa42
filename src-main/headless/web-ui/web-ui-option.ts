import { fileURLToPath } from 'node:url';
import { createCommandRouter } from '../../core/bridge/command-router.ts';
import type { Uploader } from '../../core/uploader.ts';
import { type CliArgs, stringOption, UsageError } from '../cli-args.ts';
import { startWebUiServer, type WebUiServer } from './web-ui-server.ts';

/**
 * Vite's outDir (vite.config.ts): from this file in src-main/headless/web-ui/ when the sources
 * run, from out/headless/ when the built host does (scripts/build-headless.ts).
 */
export const RENDERER_BUILD_DIR = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? '../../../out/renderer' : '../renderer', import.meta.url),
);

export const WEB_UI_OPTIONS = ['web-ui', 'web-ui-port'] as const;

/** `run --web-ui [--web-ui-port N]`: the same UI as the desktop app, in a browser on this machine. */
export async function startWebUiIfAsked(args: CliArgs, uploader: Uploader): Promise<WebUiServer | null> {
  const portText = stringOption(args, 'web-ui-port');
  if (!args.options.has('web-ui')) {
    if (portText !== undefined) throw new UsageError('--web-ui-port needs --web-ui');
    return null;
  }
  const port = portText === undefined ? 0 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--web-ui-port must be a port number from 0 to 65535, not "${portText}"`);
  }
  try {
    return await startWebUiServer({
      endpoint: {
        route: createCommandRouter(uploader),
        subscribe: (listener) => uploader.events.subscribe(listener),
      },
      rendererDir: RENDERER_BUILD_DIR,
      port,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new UsageError(`port ${port} on 127.0.0.1 is taken: pick another --web-ui-port, or leave it out`);
  }
}
