import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../src-renderer/state/app-store.ts';
import {
  applyEvent,
  applyEvents,
  applyPage,
  type CoreView,
  confirmedOf,
  emptyTotals,
  emptyView,
  replaceList,
  rowCount,
  withFilter,
} from '../../src-renderer/state/core-view.ts';
import { PAGE_SIZE } from '../../src-renderer/state/job-list-loader.ts';
import type { UploaderBridge } from '../../src-shared/bridge-client.ts';
import { type BridgeEvent, NO_HOST_CAPABILITIES, type Snapshot } from '../../src-shared/bridge-contract.ts';
import type { JobState, JobView, QueueTotals } from '../../src-shared/job.ts';
import { NO_POLICY_VIEW } from '../../src-shared/policy.ts';
import { defaultSettings } from '../../src-shared/settings.ts';
import { healthWith } from '../support/health-samples.ts';

function job(id: number, state: JobState, changes: Partial<JobView> = {}): JobView {
  return {
    id,
    destination: 'storage-api',
    path: `/recordings/r${id}.mp4`,
    fileName: `r${id}.mp4`,
    sizeBytes: 1000,
    state,
    confirmedBytes: 0,
    attempts: 0,
    lastError: null,
    warning: null,
    sidecarWarning: null,
    remoteId: null,
    remoteUrl: null,
    createdAt: id,
    updatedAt: 100,
    completedAt: null,
    nextAttemptAt: null,
    reconciledState: null,
    reconciledAt: null,
    ...changes,
  };
}

function totals(counts: Partial<QueueTotals>): QueueTotals {
  return { ...emptyTotals(), ...counts };
}

function snapshot(jobs: JobView[], counts: Partial<QueueTotals>): Snapshot {
  return {
    settings: defaultSettings(),
    totals: totals(counts),
    jobs,
    connections: [{ destination: 'storage-api', state: 'connected', label: 'https://s', detail: null }],
    paused: false,
    host: NO_HOST_CAPABILITIES,
    platform: 'linux',
    uploadRate: { rate: null, until: null, next: null, override: null },
    policy: NO_POLICY_VIEW,
    health: healthWith({ kind: 'caught-up' }, counts),
  };
}

const updated = (payload: JobView): BridgeEvent => ({ event: 'job-updated', payload });

describe("the UI store's event reducer", () => {
  it('takes a snapshot: settings, totals, connections, and its jobs as the first page of All', () => {
    const view = applyEvent(emptyView(), {
      event: 'snapshot',
      payload: snapshot([job(3, 'uploading'), job(2, 'done'), job(1, 'failed')], {
        uploading: 1,
        done: 1,
        failed: 1,
      }),
    });
    expect(view.order).toEqual([3, 2, 1]);
    expect(view.settings?.activeDestination).toBe('storage-api');
    expect(view.connections['storage-api']?.state).toBe('connected');
    expect(rowCount(view)).toBe(3);
  });

  it('puts a new job at the top of the list and moves jobs out of a filter they left', () => {
    let view = withFilter(emptyView(), 'active');
    view = applyPage(view, 'active', [job(5, 'uploading'), job(4, 'queued')], PAGE_SIZE);
    view = applyEvents(view, [
      updated(job(6, 'queued')),
      updated(job(5, 'done', { updatedAt: 200 })),
      updated(job(7, 'failed')),
    ]);
    expect(view.order).toEqual([6, 4]);
    expect(view.jobs[5]).toBeUndefined();
    expect(view.jobs[7]).toBeUndefined();
  });

  it('leaves an older job out while pages older than the loaded ones remain', () => {
    let view: CoreView = { ...emptyView(), totals: totals({ queued: 500 }) };
    view = applyPage(view, 'all', [job(500, 'queued'), job(401, 'queued')]);
    view = applyEvent(view, updated(job(10, 'failed')));
    expect(view.order).toEqual([500, 401]);
    // Once the core has no older page, it belongs at the end.
    view = applyPage(view, 'all', [], PAGE_SIZE);
    view = applyEvent(view, updated(job(10, 'failed')));
    expect(view.order).toEqual([500, 401, 10]);
  });

  it('ignores an update older than the one it holds', () => {
    let view = applyEvent(emptyView(), updated(job(1, 'done', { updatedAt: 300 })));
    view = applyEvent(view, updated(job(1, 'uploading', { updatedAt: 200 })));
    expect(view.jobs[1]?.state).toBe('done');
    // A page fetched before the event does not undo it either.
    view = applyPage(view, 'all', [job(1, 'queued', { updatedAt: 250 })]);
    expect(view.jobs[1]?.state).toBe('done');
  });

  it('keeps live progress while a job uploads and drops it when the job moves on', () => {
    let view = applyEvent(emptyView(), updated(job(1, 'uploading')));
    view = applyEvent(view, {
      event: 'progress',
      payload: { jobId: 1, confirmedBytes: 400, sizeBytes: 1000, bytesPerSecond: 50 },
    });
    const uploading = view.jobs[1];
    expect(uploading && confirmedOf(uploading, view.progress[1])).toBe(400);
    expect(view.progress[1]?.bytesPerSecond).toBe(50);
    view = applyEvent(view, updated(job(1, 'uploading', { confirmedBytes: 600, updatedAt: 150 })));
    expect(view.progress[1]?.confirmedBytes).toBe(600);
    view = applyEvent(view, updated(job(1, 'waiting', { confirmedBytes: 600, updatedAt: 160 })));
    expect(view.progress[1]).toBeUndefined();
    const done = job(1, 'done', { confirmedBytes: 0 });
    expect(confirmedOf(done, undefined)).toBe(1000);
  });

  it("leaves every other row's job and progress untouched, so only the row concerned re-renders", () => {
    let view = applyPage(emptyView(), 'all', [job(3, 'uploading'), job(2, 'uploading'), job(1, 'queued')]);
    view = applyEvent(view, {
      event: 'progress',
      payload: { jobId: 2, confirmedBytes: 10, sizeBytes: 1000, bytesPerSecond: 5 },
    });
    const before = view;
    view = applyEvent(view, {
      event: 'progress',
      payload: { jobId: 3, confirmedBytes: 20, sizeBytes: 1000, bytesPerSecond: 5 },
    });
    expect(view.jobs).toBe(before.jobs);
    expect(view.order).toBe(before.order);
    expect(view.progress[2]).toBe(before.progress[2]);
    view = applyEvent(view, updated(job(1, 'uploading', { updatedAt: 200 })));
    expect(view.jobs[2]).toBe(before.jobs[2]);
    expect(view.jobs[3]).toBe(before.jobs[3]);
    expect(view.progress[2]).toBe(before.progress[2]);
    expect(view.order).toBe(before.order);
  });

  it('takes the upload limit in force from the snapshot, then from each change', () => {
    const limited = { rate: 2 * 1024 * 1024, until: 5000, next: null, override: null };
    let view = applyEvent(emptyView(), {
      event: 'snapshot',
      payload: { ...snapshot([], {}), uploadRate: limited },
    });
    expect(view.uploadRate).toEqual(limited);
    const full = { rate: null, until: 5000, next: null, override: 'full' as const };
    view = applyEvent(view, { event: 'upload-rate', payload: full });
    expect(view.uploadRate).toEqual(full);
  });

  it('replaces totals and one connection at a time, and notes when the core is away', () => {
    let view = applyEvents(emptyView(), [
      { event: 'totals-changed', payload: totals({ queued: 2, failed: 1 }) },
      {
        event: 'connection-changed',
        payload: { destination: 'onedrive', state: 'needs-auth', label: 'a@b', detail: 'expired' },
      },
      { event: 'core-status', payload: { state: 'unavailable', detail: 'restarting' } },
    ]);
    expect(view.totals.failed).toBe(1);
    expect(view.connections.onedrive?.state).toBe('needs-auth');
    expect(view.core.state).toBe('unavailable');
    view = applyEvent(view, { event: 'core-status', payload: { state: 'running', detail: null } });
    expect(view.core.state).toBe('running');
  });

  it('drops live progress when the core goes away: no speed or time left from before is shown', () => {
    let view = applyEvents(emptyView(), [
      { event: 'job-updated', payload: job(7, 'uploading') },
      { event: 'progress', payload: { jobId: 7, confirmedBytes: 46, sizeBytes: 100, bytesPerSecond: 5 } },
    ]);
    expect(view.progress[7]?.confirmedBytes).toBe(46);
    view = applyEvent(view, {
      event: 'core-status',
      payload: { state: 'unavailable', detail: 'lost', reconnect: 'at-this-address' },
    });
    expect(view.progress).toEqual({});
    expect(view.core.reconnect).toBe('at-this-address');
  });

  it('replaces the loaded list after a bulk change, keeping what arrived meanwhile and newer updates', () => {
    let view = withFilter(emptyView(), 'active');
    view = applyPage(view, 'active', [job(4, 'uploading'), job(3, 'queued'), job(2, 'queued')], PAGE_SIZE);
    // While the list was fetched again: job 5 arrived, job 2 moved on.
    view = applyEvents(view, [updated(job(5, 'queued')), updated(job(2, 'paused', { updatedAt: 300 }))]);
    view = replaceList(
      view,
      'active',
      [
        job(4, 'needs-auth', { updatedAt: 200 }),
        job(3, 'needs-auth', { updatedAt: 200 }),
        job(2, 'needs-auth'),
      ],
      true,
    );
    expect(view.order).toEqual([5, 4, 3, 2]);
    expect(view.jobs[4]?.state).toBe('needs-auth');
    expect(view.jobs[2]?.state).toBe('paused');
    expect(view.endReached).toBe(true);
    // Fetched for a filter left since: ignored.
    expect(replaceList(view, 'done', [], true)).toBe(view);
  });

  it('drops a page of a filter the operator has left', () => {
    const view = withFilter(emptyView(), 'failed');
    expect(applyPage(view, 'done', [job(1, 'done')])).toBe(view);
  });

  it('counts rows from the totals until the core has listed everything', () => {
    let view: CoreView = {
      ...withFilter(emptyView(), 'waiting'),
      totals: totals({ waiting: 7, 'needs-auth': 3 }),
    };
    expect(rowCount(view)).toBe(10);
    view = applyPage(view, 'waiting', [job(2, 'waiting'), job(1, 'needs-auth')], PAGE_SIZE);
    expect(rowCount(view)).toBe(2);
  });
});

/** A bridge whose answers and events the test releases in a chosen order, as a socket delivers them. */
function scriptedBridge() {
  const listeners = new Set<(event: BridgeEvent) => void>();
  const answers: Array<(value: unknown) => void> = [];
  const asked: string[] = [];
  const bridge: UploaderBridge = {
    invoke: (method) =>
      new Promise((resolve) => {
        asked.push(method);
        answers.push(resolve as (value: unknown) => void);
      }),
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    bridge,
    asked,
    emit: (event: BridgeEvent) => {
      for (const listener of listeners) listener(event);
    },
    answer: async (value: unknown) => {
      answers.shift()?.(value);
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  };
}

describe('the UI store', () => {
  it('applies the events that came before an answer first, so older news never lands on top', async () => {
    const script = scriptedBridge();
    const app = createAppStore(script.bridge);
    const stop = app.actions.start();
    // An event the core sent before it computed the snapshot, still waiting in the batch.
    script.emit({ event: 'totals-changed', payload: totals({ failed: 2 }) });
    await script.answer(snapshot([job(1, 'failed')], { failed: 1 }));
    expect(app.store.getState().totals.failed).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(app.store.getState().totals.failed).toBe(1);
    stop();
  });

  it('batches a burst of events into one update', async () => {
    const script = scriptedBridge();
    const app = createAppStore(script.bridge);
    const stop = app.actions.start();
    await script.answer(snapshot([], {}));
    let updates = 0;
    app.store.subscribe(() => {
      updates += 1;
    });
    for (let id = 1; id <= 50; id += 1) script.emit(updated(job(id, 'queued')));
    expect(app.store.getState().order).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(app.store.getState().order).toHaveLength(50);
    expect(updates).toBe(1);
    stop();
  });

  it('starts again from a fresh snapshot and list when the core is back after an outage', async () => {
    const script = scriptedBridge();
    const app = createAppStore(script.bridge);
    const stop = app.actions.start();
    await script.answer(snapshot([job(1, 'queued')], { queued: 1 }));
    script.emit({ event: 'core-status', payload: { state: 'unavailable', detail: 'restarting' } });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(app.store.getState().core.state).toBe('unavailable');
    script.emit({ event: 'core-status', payload: { state: 'running', detail: null } });
    await new Promise((resolve) => setTimeout(resolve, 80));
    // What happened meanwhile sent no events: the store asks for all of it again.
    await script.answer(snapshot([job(1, 'done', { updatedAt: 500 })], { done: 1 }));
    await script.answer([job(1, 'done', { updatedAt: 500 })]);
    expect(script.asked).toEqual(['getSnapshot', 'getSnapshot', 'listJobs']);
    expect(app.store.getState().jobs[1]?.state).toBe('done');
    expect(app.store.getState().totals.done).toBe(1);
    stop();
  });

  it('opens the first-run guide only for a new installation', async () => {
    const fresh = scriptedBridge();
    const app = createAppStore(fresh.bridge);
    app.actions.start();
    await fresh.answer(snapshot([], {}));
    expect(app.store.getState().firstRun).toBe('open');

    const setUp = scriptedBridge();
    const other = createAppStore(setUp.bridge);
    other.actions.start();
    await setUp.answer({ ...snapshot([], {}), settings: { ...defaultSettings(), recordingsFolder: '/rec' } });
    expect(other.store.getState().firstRun).toBe('closed');
  });
});
