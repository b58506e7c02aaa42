import { createStore, type StoreApi } from 'zustand/vanilla';
import type { UploaderBridge } from '../../src-shared/bridge-client.ts';
import type { ConnectionView, JobFilter, Snapshot } from '../../src-shared/bridge-contract.ts';
import type { JobView } from '../../src-shared/job.ts';
import type { DestinationKind, Settings } from '../../src-shared/settings.ts';
import { applyJob, applySnapshot, type CoreView, emptyView, withFilter } from './core-view.ts';
import { createEventBatch } from './event-batch.ts';
import { needsFirstRun } from './first-run.ts';
import { createJobListLoader, PAGE_SIZE } from './job-list-loader.ts';

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
  const events = createEventBatch(store, {
    // Back from an outage: start again from a fresh snapshot.
    coreReturned: () => void actions.reload().then(() => list.refresh()),
    // The loaded part of the list is fetched again.
    changedInBulk: () => void list.refresh(),
  });
  const list = createJobListLoader(bridge, store, events.flush);

  /** Applies a command's answer, after the events that came before it. */
  const answered = (change: (state: AppState) => Partial<AppState>): void => {
    events.flush();
    store.setState(change);
  };

  const actions: AppActions = {
    start() {
      const unsubscribe = bridge.onEvent((event) => events.push(event));
      void actions.reload();
      return () => {
        unsubscribe();
        events.stop();
      };
    },

    async reload() {
      try {
        const snapshot = await bridge.invoke('getSnapshot', { jobLimit: PAGE_SIZE });
        answered((state) => withSnapshot(state, snapshot));
        // The snapshot holds the first page of 'all'; any other list starts again from its top.
        if (store.getState().filter !== 'all') {
          store.setState({ order: [], jobs: {}, endReached: false });
          list.loadMore();
        }
      } catch (error) {
        store.setState({ loadError: error instanceof Error ? error.message : String(error) });
      }
    },

    setFilter(filter) {
      store.setState((state) => withFilter(state, filter));
      list.loadMore();
    },

    loadMore: list.loadMore,

    settingsSaved(settings) {
      answered(() => ({ settings, paused: settings.uploadsPaused }));
    },

    connectionChanged(view) {
      answered((state) => ({ connections: { ...state.connections, [view.destination]: view } }));
    },

    jobChanged(job) {
      answered((state) => applyJob(state, job));
    },

    signInStarting(destination) {
      answered((state) => {
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

/** The first snapshot decides whether the first-run steps open; later ones leave that be. */
function withSnapshot(state: AppState, snapshot: Snapshot): AppState {
  const view = applySnapshot(state, snapshot);
  const firstRun =
    state.firstRun === 'unknown'
      ? needsFirstRun(snapshot.settings, view.connections)
        ? 'open'
        : 'closed'
      : state.firstRun;
  return { ...view, loaded: true, loadError: null, firstRun };
}
