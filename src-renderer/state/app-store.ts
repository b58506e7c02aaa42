import { createStore, type StoreApi } from 'zustand/vanilla';
import type { UploaderBridge } from '../../src-shared/bridge-client.ts';
import type { BridgeEvent, ConnectionView, JobFilter } from '../../src-shared/bridge-contract.ts';
import type { JobView } from '../../src-shared/job.ts';
import type { DestinationKind, Settings } from '../../src-shared/settings.ts';
import {
  applyEvents,
  applyJob,
  applyPage,
  applySnapshot,
  type CoreView,
  emptyView,
  replaceList,
  rowCount,
  withFilter,
} from './core-view.ts';
import { needsFirstRun } from './first-run.ts';

export const PAGE_SIZE = 100;
/**
 * Events are applied together at most this often: one render for a burst, not one per event. A
 * command's answer first applies the events that came before it, so nothing older lands on top.
 */
const FLUSH_MS = 50;

export interface AppState extends CoreView {
  /** The first snapshot has arrived. */
  loaded: boolean;
  /** Why the first snapshot could not be fetched. */
  loadError: string | null;
  firstRun: 'unknown' | 'open' | 'closed';
}

export interface AppActions {
  /** Subscribes to the core's events and fetches the first snapshot; returns the unsubscribe. */
  start(): () => void;
  reload(): Promise<void>;
  setFilter(filter: JobFilter): void;
  /** Loads the next page of the current filter when the list scrolls near its loaded end. */
  loadMore(): void;
  /** Command results, applied at once rather than waiting for the matching event. */
  settingsSaved(settings: Settings): void;
  connectionChanged(view: ConnectionView): void;
  jobChanged(job: JobView): void;
  /** A sign-in is about to start: the address of an earlier one is no longer the one to open. */
  signInStarting(destination: DestinationKind): void;
  closeFirstRun(): void;
  openFirstRun(): void;
}

export interface AppStore {
  store: StoreApi<AppState>;
  actions: AppActions;
}

export function createAppStore(bridge: UploaderBridge): AppStore {
  const store = createStore<AppState>(() => ({
    ...emptyView(),
    loaded: false,
    loadError: null,
    firstRun: 'unknown',
  }));
  let pending: BridgeEvent[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  let loading: { filter: JobFilter; offset: number } | null = null;

  const flush = (): void => {
    if (flushTimer !== null) clearTimeout(flushTimer);
    flushTimer = null;
    if (pending.length === 0) return;
    const events = pending;
    pending = [];
    const wasUnavailable = store.getState().core.state === 'unavailable';
    store.setState((state) => applyEvents(state, events));
    // Back from an outage, anything may have moved on: start again from a fresh snapshot.
    if (wasUnavailable && store.getState().core.state === 'running') {
      void actions.reload().then(() => refreshList());
    }
    // A snapshot event follows changes made in bulk (a pause, jobs held for sign-in or released),
    // which name no job: the loaded part of the list is fetched again.
    else if (events.some((event) => event.event === 'snapshot')) void refreshList();
  };

  let refreshing: Promise<void> | null = null;
  let refreshAgain = false;
  const refreshList = async (): Promise<void> => {
    if (refreshing !== null) {
      refreshAgain = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        refreshAgain = false;
        const { filter, order } = store.getState();
        const fetched: JobView[] = [];
        let complete = false;
        try {
          while (fetched.length < Math.max(order.length, PAGE_SIZE)) {
            const page = await bridge.invoke('listJobs', {
              filter,
              offset: fetched.length,
              limit: PAGE_SIZE,
            });
            fetched.push(...page);
            if (page.length < PAGE_SIZE) {
              complete = true;
              break;
            }
          }
        } catch {
          // The list keeps what it has; the next bulk change or scroll asks again.
          return;
        }
        flush();
        store.setState((state) => replaceList(state, filter, fetched, complete));
      } while (refreshAgain);
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  };

  const actions: AppActions = {
    start() {
      const unsubscribe = bridge.onEvent((event) => {
        pending.push(event);
        flushTimer ??= setTimeout(flush, FLUSH_MS);
      });
      void actions.reload();
      return () => {
        unsubscribe();
        if (flushTimer !== null) clearTimeout(flushTimer);
      };
    },

    async reload() {
      try {
        const snapshot = await bridge.invoke('getSnapshot', { jobLimit: PAGE_SIZE });
        // Events that arrived before the answer are older than it: they go first, not after.
        flush();
        store.setState((state) => {
          const view = applySnapshot(state, snapshot);
          const firstRun =
            state.firstRun === 'unknown'
              ? needsFirstRun(snapshot.settings, view.connections)
                ? 'open'
                : 'closed'
              : state.firstRun;
          return { ...view, loaded: true, loadError: null, firstRun };
        });
        // The snapshot holds the first page of 'all'; any other list starts again from its top.
        if (store.getState().filter !== 'all') {
          store.setState({ order: [], jobs: {}, endReached: false });
          actions.loadMore();
        }
      } catch (error) {
        store.setState({ loadError: error instanceof Error ? error.message : String(error) });
      }
    },

    setFilter(filter) {
      store.setState((state) => withFilter(state, filter));
      actions.loadMore();
    },

    loadMore() {
      const state = store.getState();
      const offset = state.order.length;
      // An empty list always asks once: the totals may lag behind the jobs.
      if (state.endReached || (offset > 0 && offset >= rowCount(state))) return;
      if (loading !== null && loading.filter === state.filter && loading.offset === offset) return;
      const request = { filter: state.filter, offset };
      loading = request;
      bridge
        .invoke('listJobs', { filter: state.filter, offset, limit: PAGE_SIZE })
        .then((page) => {
          flush();
          store.setState((current) => applyPage(current, request.filter, page, PAGE_SIZE));
        })
        .catch(() => {
          // The list keeps what it has; the next scroll asks again.
        })
        .finally(() => {
          if (loading === request) loading = null;
        });
    },

    settingsSaved(settings) {
      flush();
      store.setState({ settings, paused: settings.uploadsPaused });
    },

    connectionChanged(view) {
      flush();
      store.setState((state) => ({ connections: { ...state.connections, [view.destination]: view } }));
    },

    jobChanged(job) {
      flush();
      store.setState((state) => applyJob(state, job));
    },

    signInStarting(destination) {
      flush();
      store.setState((state) => {
        const signIns = { ...state.signIns };
        delete signIns[destination];
        return { signIns };
      });
    },

    closeFirstRun() {
      store.setState({ firstRun: 'closed' });
    },

    openFirstRun() {
      store.setState({ firstRun: 'open' });
    },
  };
  return { store, actions };
}
