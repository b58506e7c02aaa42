import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import {
  RENDERER_SECURITY_HEADERS,
  rendererCsp,
} from '../../node-host/renderer-host/content-security-policy.ts';
import { contentTypeOf, resolveRendererFile } from '../../node-host/renderer-host/renderer-files.ts';
import { type GateRequest, WebUiGate } from './web-ui-gate.ts';
import { type BridgeEndpoint, serveBridgeSocket } from './web-ui-socket.ts';

export interface WebUiServerOptions {
  endpoint: BridgeEndpoint;
  /** The production renderer build (Vite's outDir, out/renderer). */
  rendererDir: string;
  /** 0 (the default) lets the OS pick a free port. */
  port?: number;
  /** The secret path segment; a new random one by default. */
  secret?: string;
}

export interface WebUiServer {
  /** The address to open, secret included; whoever has it can drive the uploader. */
  readonly url: string;
  readonly port: number;
  readonly secret: string;
  close(): Promise<void>;
}

const SOCKET_PATH = '/bridge';
const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * The headless host's web UI: the renderer build and the bridge over a WebSocket, on 127.0.0.1
 * only, behind a secret path (see WebUiGate). Without the secret nothing is served, not
 * the page, not an asset, not the socket.
 */
export async function startWebUiServer(options: WebUiServerOptions): Promise<WebUiServer> {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  sockets.on('connection', (socket) => serveBridgeSocket(socket, options.endpoint));
  let gate: WebUiGate | null = null;
  const server = createServer((request, response) => {
    if (gate !== null) void servePage(gate, options.rendererDir, request, response);
  });
  server.on('upgrade', (request: IncomingMessage, stream: Duplex, head: Buffer) => {
    const decision = gate?.checkSocket(gateRequest(request));
    if (decision?.ok !== true || decision.rest !== SOCKET_PATH) {
      refuseUpgrade(stream, decision?.ok === false ? decision.status : 404);
      return;
    }
    sockets.handleUpgrade(request, stream, head, (socket) => sockets.emit('connection', socket, request));
  });
  const port = await listen(server, options.port ?? 0);
  gate = new WebUiGate(port, options.secret);
  const url = gate.pageUrl;
  return {
    url,
    port,
    secret: gate.secret,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function servePage(
  gate: WebUiGate,
  rendererDir: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const decision = gate.checkPage(gateRequest(request));
  if (!decision.ok) return plain(response, decision.status, decision.reason);
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return plain(response, 405, 'only GET and HEAD');
  }
  // Relative asset URLs resolve against the page's folder: /SECRET must become /SECRET/.
  if (decision.rest === '') {
    response.writeHead(308, { Location: `/${gate.secret}/`, ...RENDERER_SECURITY_HEADERS });
    response.end();
    return;
  }
  const file = resolveRendererFile(rendererDir, decision.rest);
  if (file === null) return plain(response, 404, 'not found');
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT' && decision.rest === '/';
    return plain(
      response,
      404,
      missing ? `no renderer build in ${rendererDir}: run "npm run build:renderer"` : 'not found',
    );
  }
  response.writeHead(200, {
    'Content-Type': contentTypeOf(file),
    'Content-Length': body.length,
    'Content-Security-Policy': rendererCsp({ connectSources: [gate.socketOrigin] }),
    ...RENDERER_SECURITY_HEADERS,
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

function gateRequest(request: IncomingMessage): GateRequest {
  return { host: request.headers.host, origin: request.headers.origin, url: request.url };
}

function plain(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...RENDERER_SECURITY_HEADERS });
  response.end(`${text}\n`);
}

function refuseUpgrade(stream: Duplex, status: number): void {
  stream.on('error', () => {});
  stream.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () =>
    stream.destroy(),
  );
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
