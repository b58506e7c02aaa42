import { type RawData, WebSocket } from 'ws';
import type { BridgeEvent, BridgeRequest, BridgeResponse } from '../../../src-shared/bridge-contract.ts';
import { parseBridgeRequest } from '../../core/bridge/parse-request.ts';

/** What a bridge carrier connects to: the command router and the core's events. */
export interface BridgeEndpoint {
  route(request: BridgeRequest): Promise<BridgeResponse>;
  subscribe(listener: (event: BridgeEvent) => void): () => void;
}

/**
 * A page that stops reading (a frozen tab) must not make the host buffer events without end: past
 * this much unsent data the socket is closed, and the page reconnects and fetches a fresh snapshot.
 */
const MAX_UNSENT_BYTES = 16 * 1024 * 1024;

/** Carries one WebSocket's bridge messages as JSON text: requests in, responses and events out. */
export function serveBridgeSocket(socket: WebSocket, endpoint: BridgeEndpoint): void {
  const send = (message: BridgeResponse | BridgeEvent) => {
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > MAX_UNSENT_BYTES) {
      socket.close(1013, 'the page is not keeping up; reconnect for a fresh snapshot');
      return;
    }
    socket.send(JSON.stringify(message));
  };
  const unsubscribe = endpoint.subscribe(send);
  socket.on('close', unsubscribe);
  // 'close' always follows an error; the error itself needs a listener so it never throws.
  socket.on('error', () => {});
  socket.on('message', (data: RawData, isBinary: boolean) => {
    const parsed = isBinary ? null : parseJson(data.toString());
    if (parsed === null) {
      socket.close(1007, 'bridge messages are JSON text');
      return;
    }
    const checked = parseBridgeRequest(parsed.value);
    if (!checked.ok) {
      // Without an id there is no one to answer: the page is not speaking the bridge at all.
      if (checked.id === null) socket.close(1007, checked.problem);
      else send({ id: checked.id, error: { code: 'BadRequest', message: checked.problem } });
      return;
    }
    const { id } = checked.request;
    void endpoint.route(checked.request).then(send, (error: unknown) =>
      send({
        id,
        error: { code: 'failed', message: error instanceof Error ? error.message : String(error) },
      }),
    );
  });
}

function parseJson(text: string): { value: unknown } | null {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return null;
  }
}
