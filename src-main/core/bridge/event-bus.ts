import type { BridgeEvent, BridgeEvents, EventName } from '../../../src-shared/bridge-contract.ts';

export type EventListener = (event: BridgeEvent) => void;

/** The core's outgoing events, fanned out to every carrier (IPC, WebSocket, a test). */
export class EventBus {
  readonly #listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: BridgeEvents[E]): void {
    for (const listener of this.#listeners) listener({ event, payload } as BridgeEvent);
  }
}
