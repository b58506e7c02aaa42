import type { StoreApi } from 'zustand/vanilla';
import type { UploaderBridge } from '../../src-shared/bridge-client.ts';
import type { JobFilter } from '../../src-shared/bridge-contract.ts';
import type { JobView } from '../../src-shared/job.ts';
import type { AppState } from './app-store.ts';
import { applyPage, replaceList, rowCount } from './core-view.ts';

export const PAGE_SIZE = 100;

export interface JobListLoader {
  /** Loads the next page of the current filter when the list scrolls near its loaded end. */
  loadMore(): void;
  /** Fetches the loaded part of the list again (after changes that name no job). */
  refresh(): Promise<void>;
}

/**
 * The job list, fetched a page at a time from the core. `beforeApply` applies the events that
 * arrived before an answer, so that the answer, newer than them, lands last.
 */
export function createJobListLoader(
  bridge: UploaderBridge,
  store: StoreApi<AppState>,
  beforeApply: () => void,
): JobListLoader {
  let loading: { filter: JobFilter; offset: number } | null = null;
  let refreshing: Promise<void> | null = null;
  let refreshAgain = false;

  /** The list from its top, at least as long as the part loaded now; null when a page failed. */
  const fetchLoaded = async (filter: JobFilter, loaded: number) => {
    const fetched: JobView[] = [];
    try {
      while (fetched.length < Math.max(loaded, PAGE_SIZE)) {
        const page = await bridge.invoke('listJobs', { filter, offset: fetched.length, limit: PAGE_SIZE });
        fetched.push(...page);
        if (page.length < PAGE_SIZE) return { fetched, complete: true };
      }
    } catch {
      return null;
    }
    return { fetched, complete: false };
  };

  const refresh = (): Promise<void> => {
    if (refreshing !== null) {
      refreshAgain = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        refreshAgain = false;
        const { filter, order } = store.getState();
        const answer = await fetchLoaded(filter, order.length);
        // The list keeps what it has; the next bulk change or scroll asks again.
        if (answer === null) return;
        beforeApply();
        store.setState((state) => replaceList(state, filter, answer.fetched, answer.complete));
      } while (refreshAgain);
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  };

  const loadMore = (): void => {
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
        beforeApply();
        store.setState((current) => applyPage(current, request.filter, page, PAGE_SIZE));
      })
      .catch(() => {
        // The list keeps what it has; the next scroll asks again.
      })
      .finally(() => {
        if (loading === request) loading = null;
      });
  };

  return { loadMore, refresh };
}
