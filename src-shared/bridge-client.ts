import type {
  BridgeCommands,
  BridgeEvent,
  BridgeRequest,
  BridgeResponse,
  CommandName,
} from './bridge-contract.ts';

/** What the UI sees as `window.uploader`, whatever carries the messages (IPC, WebSocket, in-process). */
export interface UploaderBridge {
  invoke<M extends CommandName>(
    method: M,
    params: BridgeCommands[M]['params'],
  ): Promise<BridgeCommands[M]['result']>;
  onEvent(listener: (event: BridgeEvent) => void): () => void;
}

/** A carrier moves structured-clone-able messages; it knows nothing of their meaning. */
export interface ClientTransport {
  send(request: BridgeRequest): void;
  /** Every response and event the core sends. */
  onMessage(listener: (message: BridgeResponse | BridgeEvent) => void): void;
}

export class BridgeError extends Error {
  readonly code: string;

  constructor(message: string, code: string) {
    super(message);
    this.name = 'BridgeError';
    this.code = code;
  }
}

/** The one typed client every carrier shares: numbered requests, answers matched by id. */
export function createBridgeClient(transport: ClientTransport): UploaderBridge {
  let nextId = 1;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const listeners = new Set<(event: BridgeEvent) => void>();
  transport.onMessage((message) => {
    if ('event' in message) {
      for (const listener of listeners) listener(message);
      return;
    }
    const waiting = pending.get(message.id);
    if (waiting === undefined) return;
    pending.delete(message.id);
    if ('error' in message) waiting.reject(new BridgeError(message.error.message, message.error.code));
    else waiting.resolve(message.result);
  });
  return {
    invoke: (method, params) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        transport.send({ id, method, params });
      }),
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
