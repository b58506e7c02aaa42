import {
  type BridgeEvent,
  type BridgeEvents,
  type ConnectionView,
  type CoreStatus,
  type EventName,
  type HostCapabilities,
  type JobFilter,
  NO_HOST_CAPABILITIES,
  type Snapshot,
} from '../../src-shared/bridge-contract.ts';
import type { Health } from '../../src-shared/health.ts';
import type { HostPlatform } from '../../src-shared/host-platform.ts';
import { JOB_STATES, type JobState, type JobView, type QueueTotals } from '../../src-shared/job.ts';
import { NO_POLICY_VIEW, type PolicyView } from '../../src-shared/policy.ts';
import type { DestinationKind, Settings } from '../../src-shared/settings.ts';
import type { UploadRateView } from '../../src-shared/upload-rate-limit.ts';
import { isOpenableWebUrl } from '../../src-shared/web-address.ts';
import { countInFilter, inFilter, insertId, mergeIds, removeId } from './job-lists.ts';

export interface ProgressSample {
  confirmedBytes: number;
  sizeBytes: number;
  bytesPerSecond: number;
}

/**
 * What the UI knows of the core: the last snapshot, kept current by events. Only the jobs of the
 * loaded pages of the current filter are held, so ten thousand jobs never sit in the window at once.
 */
export interface CoreView {
  settings: Settings | null;
  totals: QueueTotals;
  connections: Readonly<Partial<Record<DestinationKind, ConnectionView>>>;
  paused: boolean;
  core: CoreStatus;
  /** What the host offers besides the core; nothing until the first snapshot says so. */
  host: HostCapabilities;
  /** The OS of the machine the core runs on, whose paths the recordings folder is typed in. */
  platform: HostPlatform;
  filter: JobFilter;
  /** Ids of the loaded jobs of the filter, newest first: the order the core lists them in. */
  order: readonly number[];
  /** The core listed fewer jobs than a page: nothing older is left to load for this filter. */
  endReached: boolean;
  jobs: Readonly<Record<number, JobView>>;
  /** Live progress of uploading jobs, between the job updates the store writes. */
  progress: Readonly<Record<number, ProgressSample>>;
  /** Where the latest sign-in of each destination waits for the operator (an http(s) page). */
  signIns: Readonly<Partial<Record<DestinationKind, string>>>;
  /** The upload speed limit in force, and until when. */
  uploadRate: UploadRateView;
  /** The administrator's policy: which settings the operator may not change. */
  policy: PolicyView;
  /** The core's health, whose headline the header shows; null until the first snapshot. */
  health: Health | null;
}

type AnyEvent = { [E in EventName]: { event: E; payload: BridgeEvents[E] } }[EventName];

export function emptyTotals(): QueueTotals {
  const counts = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<JobState, number>;
  return { ...counts, doneToday: 0 };
}

export function emptyView(filter: JobFilter = 'all'): CoreView {
  return {
    settings: null,
    totals: emptyTotals(),
    connections: {},
    paused: false,
    core: { state: 'running', detail: null },
    host: NO_HOST_CAPABILITIES,
    platform: 'linux',
    filter,
    order: [],
    endReached: false,
    jobs: {},
    progress: {},
    signIns: {},
    uploadRate: { rate: null, until: null, next: null, override: null },
    policy: NO_POLICY_VIEW,
    health: null,
  };
}

export function applyEvents(view: CoreView, events: readonly BridgeEvent[]): CoreView {
  return events.reduce(applyEvent, view);
}

export function applyEvent(view: CoreView, raw: BridgeEvent): CoreView {
  const event = raw as AnyEvent;
  switch (event.event) {
    case 'snapshot':
      return applySnapshot(view, event.payload);
    case 'job-updated':
      return applyJob(view, event.payload);
    case 'progress': {
      const { jobId, ...sample } = event.payload;
      return { ...view, progress: { ...view.progress, [jobId]: sample } };
    }
    case 'connection-changed':
      return { ...view, connections: { ...view.connections, [event.payload.destination]: event.payload } };
    case 'totals-changed':
      return { ...view, totals: event.payload };
    case 'health':
      return { ...view, health: event.payload };
    case 'core-status':
      // Live progress stops with the connection: a speed and a time left from before it would lie.
      return event.payload.state === 'running'
        ? { ...view, core: event.payload }
        : { ...view, core: event.payload, progress: {} };
    case 'upload-rate':
      return { ...view, uploadRate: event.payload };
    case 'sign-in-started': {
      // The page renders it as a link: only a web page, whoever sent it.
      const { destination, url } = event.payload;
      if (!isOpenableWebUrl(url)) return view;
      return { ...view, signIns: { ...view.signIns, [destination]: url } };
    }
    default:
      return view;
  }
}

/** A snapshot's jobs are the first page of the 'all' list; other lists only take updates from it. */
export function applySnapshot(view: CoreView, snapshot: Snapshot): CoreView {
  const connections: Partial<Record<DestinationKind, ConnectionView>> = {};
  for (const connection of snapshot.connections) connections[connection.destination] = connection;
  const next: CoreView = {
    ...view,
    settings: snapshot.settings,
    totals: snapshot.totals,
    connections,
    paused: snapshot.paused,
    host: snapshot.host,
    platform: snapshot.platform,
    uploadRate: snapshot.uploadRate,
    policy: snapshot.policy,
    health: snapshot.health,
  };
  if (next.filter === 'all') return applyPage(next, 'all', snapshot.jobs);
  return snapshot.jobs.reduce(applyJob, next);
}

/** A job's new state: into or out of the filter's list, its stale live progress dropped. */
export function applyJob(view: CoreView, job: JobView): CoreView {
  const known = view.jobs[job.id];
  if (known !== undefined && known.updatedAt > job.updatedAt) return view;
  const morePages = !view.endReached && view.order.length < countInFilter(view.totals, view.filter);
  const order = inFilter(job.state, view.filter)
    ? insertId(view.order, job.id, morePages)
    : removeId(view.order, job.id);
  const jobs = { ...view.jobs };
  if (order.includes(job.id)) jobs[job.id] = job;
  else delete jobs[job.id];
  return { ...view, order, jobs, progress: progressAfter(view.progress, job) };
}

function progressAfter(
  progress: CoreView['progress'],
  job: JobView,
): Readonly<Record<number, ProgressSample>> {
  const sample = progress[job.id];
  if (sample === undefined) return progress;
  if (job.state !== 'uploading') {
    const rest = { ...progress };
    delete rest[job.id];
    return rest;
  }
  if (job.confirmedBytes <= sample.confirmedBytes) return progress;
  return { ...progress, [job.id]: { ...sample, confirmedBytes: job.confirmedBytes } };
}

/**
 * A page from listJobs; a page of a filter the operator has left since is dropped, and a job an
 * event already showed newer keeps the newer state.
 */
export function applyPage(
  view: CoreView,
  filter: JobFilter,
  page: readonly JobView[],
  pageSize?: number,
): CoreView {
  if (filter !== view.filter) return view;
  const jobs = { ...view.jobs };
  const ids: number[] = [];
  for (const job of page) {
    const known = jobs[job.id];
    const newest = known !== undefined && known.updatedAt > job.updatedAt ? known : job;
    if (!inFilter(newest.state, filter)) continue;
    jobs[job.id] = newest;
    ids.push(job.id);
  }
  const endReached = view.endReached || (pageSize !== undefined && page.length < pageSize);
  return { ...view, jobs, order: mergeIds(view.order, ids), endReached };
}

/**
 * The loaded part of the list fetched again after jobs moved in bulk: it replaces the list, except
 * for jobs newer than any fetched (they arrived while it was fetched) and job updates newer than
 * the fetched ones.
 */
export function replaceList(
  view: CoreView,
  filter: JobFilter,
  fetched: readonly JobView[],
  complete: boolean,
): CoreView {
  if (filter !== view.filter) return view;
  const newest = fetched.reduce((max, job) => Math.max(max, job.id), 0);
  const arrived = view.order.filter((id) => id > newest);
  const jobs: Record<number, JobView> = {};
  for (const id of arrived) {
    const job = view.jobs[id];
    if (job !== undefined) jobs[id] = job;
  }
  const ids: number[] = [];
  for (const job of fetched) {
    const known = view.jobs[job.id];
    const latest = known !== undefined && known.updatedAt > job.updatedAt ? known : job;
    if (!inFilter(latest.state, filter)) continue;
    jobs[job.id] = latest;
    ids.push(job.id);
  }
  return { ...view, jobs, order: mergeIds(arrived, ids), endReached: complete };
}

/** Another filter: its list starts empty and fills page by page. */
export function withFilter(view: CoreView, filter: JobFilter): CoreView {
  if (filter === view.filter) return view;
  return { ...view, filter, order: [], jobs: {}, endReached: false };
}

/** How many rows the list has: what the totals say, or what is loaded once the core has no more. */
export function rowCount(view: CoreView): number {
  if (view.endReached) return view.order.length;
  return Math.max(view.order.length, countInFilter(view.totals, view.filter));
}

/** What a row shows as sent so far: the live figure while uploading, else the stored one. */
export function confirmedOf(job: JobView, sample: ProgressSample | undefined): number {
  if (job.state === 'done') return job.sizeBytes;
  if (job.state === 'uploading' && sample !== undefined) return Math.max(sample.confirmedBytes, 0);
  return job.confirmedBytes;
}
