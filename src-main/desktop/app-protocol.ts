import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import {
  RENDERER_SECURITY_HEADERS,
  rendererCsp,
} from '../node-host/renderer-host/content-security-policy.ts';
import { contentTypeOf, resolveRendererFile } from '../node-host/renderer-host/renderer-files.ts';
import { APP_SCHEME } from './app-paths.ts';

/** Before the app is ready: app:// behaves like https (a real origin, secure, fetch allowed). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/**
 * Serves the renderer build from the app's own files as app://renderer/…, with the strict CSP on
 * every response: no http server, no file:// (where every local file shares one origin).
 */
export function serveRendererFiles(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'renderer' ? resolveRendererFile(rendererDir, url.pathname) : null;
    if (file === null) return new Response('not found', { status: 404 });
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return new Response('not found', { status: 404 });
    }
    return new Response(new Uint8Array(body), {
      headers: {
        'Content-Type': contentTypeOf(file),
        'Content-Security-Policy': rendererCsp(),
        ...RENDERER_SECURITY_HEADERS,
      },
    });
  });
}
