import { createBridgeClient, type UploaderBridge } from '../../src-shared/bridge-client.ts';
import {
  type BridgeEvent,
  type BridgeRequest,
  type BridgeResponse,
  CORE_UNAVAILABLE,
  type CoreStatus,
} from '../../src-shared/bridge-contract.ts';

/** The part of a WebSocket this carrier uses, so a test can hand in another implementation. */
export interface SocketLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(): void;
}

export interface WebSocketBridgeOptions {
  url: string;
  openSocket?: (url: string) => SocketLike;
  /** Waits between reconnection attempts; the last one repeats. */
  reconnectDelaysMs?: readonly number[];
  /**
   * Asks, while the socket is down, whether the page's own address still serves this page: 'down'
   * when nothing answers there (the host is stopped or restarting), 'foreign' when something else
   * answers (the host now runs with another secret, or another program holds the port). Without
   * it the carrier assumes the address comes back.
   */
  probeAddress?: () => Promise<AddressProbe>;
}

export type AddressProbe = 'ours' | 'down' | 'foreign';

export interface WebSocketBridge extends UploaderBridge {
  /** Closes the socket for good; pending and later commands fail with CORE_UNAVAILABLE. */
  close(): void;
}

const DEFAULT_DELAYS_MS = [250, 500, 1000, 2000, 5000] as const;

const FOREIGN_ADDRESS =
  'The address of this page no longer serves it: the uploader was started with another data folder or port';

/**
 * The page's own address, asked for with HEAD: the headless host answers it only under its secret,
 * so anything but a success means the address is someone else's now.
 */
export async function probePageAddress(pageUrl: string): Promise<AddressProbe> {
  let response: Response;
  try {
    response = await fetch(pageUrl, { method: 'HEAD', cache: 'no-store', credentials: 'omit' });
  } catch {
    return 'down';
  }
  return response.ok ? 'ours' : 'foreign';
}

/**
 * Where the bridge socket of a page lives. The headless host serves the UI under a secret path, /SECRET/, so the first path segment is that secret and the socket is /SECRET/bridge.
 */
export function bridgeSocketUrl(location: { protocol: string; host: string; pathname: string }): string {
  const secret = location.pathname.split('/')[1] ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/${secret}/bridge`;
}

/**
 * The bridge over the headless host's loopback WebSocket. Commands wait while the socket opens;
 * a socket that closes fails the commands it carried (nothing is silently lost or left hanging),
 * reports the core as unavailable through a `core-status` event (saying whether the page's
 * address can bring it back), and reconnects.
 */
export function createWebSocketBridge(options: WebSocketBridgeOptions): WebSocketBridge {
  const openSocket = options.openSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
  const delays = options.reconnectDelaysMs ?? DEFAULT_DELAYS_MS;
  let deliver: (message: BridgeResponse | BridgeEvent) => void = () => {};
  let socket: SocketLike | null = null;
  let isOpen = false;
  let closedForGood = false;
  let failedAttempts = 0;
  let announced: string | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  const outbox: BridgeRequest[] = [];
  const inFlight = new Set<number>();

  const announce = (status: CoreStatus) => {
    const key = `${status.state}/${status.reconnect ?? ''}`;
    if (announced === key || (announced === null && status.state === 'running')) {
      announced = key;
      return;
    }
    announced = key;
    deliver({ event: 'core-status', payload: status });
  };

  /** The page's address, looked at between attempts: the banner says whether it can come back. */
  const lookAtAddress = (reason: string) => {
    const probe = options.probeAddress;
    if (probe === undefined) return;
    void probe().then(
      (seen) => {
        if (isOpen || closedForGood) return;
        announce({
          state: 'unavailable',
          detail: seen === 'foreign' ? FOREIGN_ADDRESS : reason,
          reconnect: seen === 'foreign' ? 'no' : 'at-this-address',
        });
      },
      () => {},
    );
  };

  const failAll = (reason: string) => {
    const ids = [...inFlight, ...outbox.splice(0).map((request) => request.id)];
    inFlight.clear();
    for (const id of ids) deliver({ id, error: { code: CORE_UNAVAILABLE, message: reason } });
  };

  const transmit = (request: BridgeRequest) => {
    inFlight.add(request.id);
    socket?.send(JSON.stringify(request));
  };

  const receive = (data: unknown) => {
    if (typeof data !== 'string') return;
    let message: BridgeResponse | BridgeEvent;
    try {
      message = JSON.parse(data) as BridgeResponse | BridgeEvent;
    } catch {
      return;
    }
    if ('id' in message) inFlight.delete(message.id);
    deliver(message);
  };

  const connect = () => {
    retryTimer = null;
    const current = openSocket(options.url);
    socket = current;
    current.onopen = () => {
      isOpen = true;
      failedAttempts = 0;
      announce({ state: 'running', detail: null });
      for (const request of outbox.splice(0)) transmit(request);
    };
    current.onmessage = (event) => receive(event.data);
    // A close always follows an error, and the close is where the commands are failed.
    current.onerror = () => {};
    current.onclose = () => {
      if (socket !== current) return;
      isOpen = false;
      socket = null;
      const reason = closedForGood
        ? 'The connection to the uploader was closed'
        : 'The connection to the uploader was lost; reconnecting';
      failAll(reason);
      if (closedForGood) return;
      if (!announced?.startsWith('unavailable')) {
        announce({ state: 'unavailable', detail: reason, reconnect: 'at-this-address' });
      }
      lookAtAddress(reason);
      const delay = delays[Math.min(failedAttempts, delays.length - 1)] ?? 1000;
      failedAttempts++;
      retryTimer = setTimeout(connect, delay);
    };
  };

  const client = createBridgeClient({
    send: (request) => {
      if (closedForGood) {
        queueMicrotask(() =>
          deliver({
            id: request.id,
            error: { code: CORE_UNAVAILABLE, message: 'The connection to the uploader was closed' },
          }),
        );
      } else if (isOpen) transmit(request);
      else outbox.push(request);
    },
    onMessage: (listener) => {
      deliver = listener;
    },
  });
  connect();

  return {
    invoke: client.invoke,
    onEvent: client.onEvent,
    close: () => {
      closedForGood = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      const current = socket;
      if (current === null) failAll('The connection to the uploader was closed');
      else current.close();
    },
  };
}
