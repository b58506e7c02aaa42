import type { StoreApi } from 'zustand/vanilla';
import type { BridgeEvent } from '../../src-shared/bridge-contract.ts';
import type { AppState } from './app-store.ts';
import { applyEvents } from './core-view.ts';

/**
 * Events are applied together at most this often: one render for a burst, not one per event. A
 * command's answer first applies the events that came before it (flush), so nothing older lands
 * on top of it.
 */
const FLUSH_MS = 50;

export interface EventBatch {
  push(event: BridgeEvent): void;
  /** Applies what is waiting now. */
  flush(): void;
  stop(): void;
}

export interface EventBatchHooks {
  /** The core is back from an outage: anything may have moved on meanwhile. */
  coreReturned(): void;
  /** A change made in bulk (a pause, jobs held for sign-in or released), which names no job. */
  changedInBulk(): void;
}

export function createEventBatch(store: StoreApi<AppState>, hooks: EventBatchHooks): EventBatch {
  let pending: BridgeEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  const flush = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (pending.length === 0) return;
    const events = pending;
    pending = [];
    const wasUnavailable = store.getState().core.state === 'unavailable';
    store.setState((state) => applyEvents(state, events));
    if (wasUnavailable && store.getState().core.state === 'running') hooks.coreReturned();
    // A snapshot event follows changes made in bulk.
    else if (events.some((event) => event.event === 'snapshot')) hooks.changedInBulk();
  };

  return {
    push(event) {
      pending.push(event);
      timer ??= setTimeout(flush, FLUSH_MS);
    },
    flush,
    stop() {
      if (timer !== null) clearTimeout(timer);
    },
  };
}
