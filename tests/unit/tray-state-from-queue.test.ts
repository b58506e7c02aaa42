import { describe, expect, it } from 'vitest';
import { shellStrings } from '../../src-main/desktop/shell-strings.ts';
import {
  applyShellEvent,
  initialShellState,
  type ShellState,
} from '../../src-main/desktop/tray/shell-state.ts';
import { pauseParams, trayMenuModel, uploadLimitParams } from '../../src-main/desktop/tray/tray-menu.ts';
import { overallPercent, trayViewOf } from '../../src-main/desktop/tray/tray-state.ts';
import { type ConnectionView, NO_HOST_CAPABILITIES } from '../../src-shared/bridge-contract.ts';
import { JOB_STATES, type JobView, type QueueTotals } from '../../src-shared/job.ts';
import { NO_POLICY_VIEW } from '../../src-shared/policy.ts';
import { defaultSettings, type Settings } from '../../src-shared/settings.ts';

function totals(counts: Partial<QueueTotals> = {}): QueueTotals {
  const zero = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as QueueTotals;
  return { ...zero, doneToday: 0, ...counts };
}

function job(id: number, state: JobView['state'], confirmedBytes: number, sizeBytes: number): JobView {
  return {
    id,
    destination: 'storage-api',
    path: `/rec/${id}.mp4`,
    fileName: `${id}.mp4`,
    sizeBytes,
    state,
    confirmedBytes,
    attempts: 0,
    lastError: null,
    warning: null,
    remoteId: null,
    remoteUrl: null,
    createdAt: 0,
    updatedAt: 0,
    completedAt: null,
    nextAttemptAt: null,
    reconciledState: null,
    reconciledAt: null,
  };
}

const connection = (
  state: ConnectionView['state'],
  destination: ConnectionView['destination'] = 'onedrive',
) => ({
  destination,
  state,
  label: null,
  detail: null,
});

function stateWith(
  queue: Partial<QueueTotals>,
  more: { settings?: Partial<Settings>; jobs?: JobView[]; connections?: ConnectionView[] } = {},
): ShellState {
  return applyShellEvent(initialShellState(), {
    event: 'snapshot',
    payload: {
      settings: { ...defaultSettings(), ...more.settings },
      totals: totals(queue),
      jobs: more.jobs ?? [],
      connections: more.connections ?? [connection('connected', 'storage-api')],
      paused: more.settings?.uploadsPaused ?? false,
      host: NO_HOST_CAPABILITIES,
      uploadRate: { rate: null, until: null, next: null, override: null },
      policy: NO_POLICY_VIEW,
    },
  });
}

describe('the tray state, from the queue and the connections', () => {
  it('is idle with nothing to do, uploading while transfers run', () => {
    expect(trayViewOf(stateWith({ done: 4, doneToday: 4 }))).toEqual({
      state: 'idle',
      status: { kind: 'idle', doneToday: 4, queued: 0 },
    });
    const busy = stateWith(
      { uploading: 2, queued: 3 },
      { jobs: [job(1, 'uploading', 25, 100), job(2, 'uploading', 0, 300)] },
    );
    expect(trayViewOf(busy)).toEqual({
      state: 'uploading',
      status: { kind: 'uploading', count: 2, percent: 6 },
    });
  });

  it('follows progress and job events into the overall percentage', () => {
    let state = stateWith({ uploading: 1 }, { jobs: [job(1, 'uploading', 0, 1000)] });
    state = applyShellEvent(state, {
      event: 'progress',
      payload: { jobId: 1, confirmedBytes: 500, sizeBytes: 1000, bytesPerSecond: 10 },
    });
    expect(trayViewOf(state).status).toEqual({ kind: 'uploading', count: 1, percent: 50 });
    state = applyShellEvent(state, { event: 'job-updated', payload: job(1, 'done', 1000, 1000) });
    state = applyShellEvent(state, { event: 'totals-changed', payload: totals({ done: 1, doneToday: 1 }) });
    expect(state.active).toEqual({});
    expect(trayViewOf(state).state).toBe('idle');
  });

  it('weighs the overall percentage by bytes, and never passes 100', () => {
    expect(overallPercent([])).toBe(0);
    expect(overallPercent([{ confirmedBytes: 0, sizeBytes: 0 }])).toBe(0);
    expect(
      overallPercent([
        { confirmedBytes: 900, sizeBytes: 1000 },
        { confirmedBytes: 0, sizeBytes: 9000 },
      ]),
    ).toBe(9);
    expect(overallPercent([{ confirmedBytes: 2000, sizeBytes: 1000 }])).toBe(100);
  });

  it('is paused when the operator paused, with the time it resumes', () => {
    const view = trayViewOf(
      stateWith({ queued: 2 }, { settings: { uploadsPaused: true, pausedUntil: 1_700_000_000_000 } }),
    );
    expect(view).toEqual({ state: 'paused', status: { kind: 'paused', until: 1_700_000_000_000 } });
  });

  it('is offline when the network is gone, counting what waits', () => {
    const state = { ...stateWith({ queued: 2, waiting: 1, uploading: 1 }), online: false };
    expect(trayViewOf(state)).toEqual({ state: 'offline', status: { kind: 'offline', waiting: 4 } });
  });

  it('needs attention for a sign-in, failed recordings, or a core that is down, before anything else', () => {
    const signIn = stateWith(
      { uploading: 1 },
      { connections: [connection('needs-auth', 'gdrive')], settings: { uploadsPaused: true } },
    );
    expect(trayViewOf(signIn)).toEqual({
      state: 'attention',
      status: { kind: 'sign-in-needed', destination: 'gdrive' },
    });
    const heldJobs = stateWith({ 'needs-auth': 3 }, { settings: { activeDestination: 'onedrive' } });
    expect(trayViewOf(heldJobs).status).toEqual({ kind: 'sign-in-needed', destination: 'onedrive' });
    const failed = { ...stateWith({ failed: 2, uploading: 1 }), online: false };
    expect(trayViewOf(failed)).toEqual({ state: 'attention', status: { kind: 'failed', count: 2 } });
    const down = applyShellEvent(stateWith({}), {
      event: 'core-status',
      payload: { state: 'unavailable', detail: 'The uploader stopped unexpectedly. Restarting in 2 s.' },
    });
    expect(trayViewOf(down)).toEqual({
      state: 'attention',
      status: { kind: 'core-down', detail: 'The uploader stopped unexpectedly. Restarting in 2 s.' },
    });
  });

  it('clears a sign-in attention once the connection is back', () => {
    let state = stateWith({}, { connections: [connection('needs-auth')] });
    state = applyShellEvent(state, { event: 'connection-changed', payload: connection('connected') });
    expect(trayViewOf(state).state).toBe('idle');
  });
});

describe('the tray menu and its words', () => {
  const en = shellStrings('en');

  it('offers each action only where it can act', () => {
    const idle = stateWith({}, { settings: { recordingsFolder: '/rec' } });
    const enabled = (state: ShellState) =>
      Object.fromEntries(
        trayMenuModel(trayViewOf(state), state, en).flatMap((e) =>
          e.type === 'action' ? [[e.action, e.enabled]] : [],
        ),
      );
    expect(enabled(idle)).toEqual({
      open: true,
      'pause-1h': true,
      'pause-8h': true,
      'pause-until-resumed': true,
      resume: false,
      'limit-now': true,
      'full-speed': false,
      'open-recordings': true,
      'open-logs': true,
      quit: true,
    });
    const paused = stateWith({}, { settings: { uploadsPaused: true, pausedUntil: null } });
    expect(enabled(paused)).toMatchObject({
      resume: true,
      'pause-until-resumed': false,
      'open-recordings': false,
    });
    const down = applyShellEvent(idle, {
      event: 'core-status',
      payload: { state: 'unavailable', detail: null },
    });
    expect(enabled(down)).toMatchObject({ 'pause-1h': false, resume: false, open: true, quit: true });
  });

  it('starts with the status line, in the operator language', () => {
    const state = stateWith({ failed: 1 });
    const [first] = trayMenuModel(trayViewOf(state), state, en);
    expect(first).toEqual({ type: 'status', label: '1 recording failed' });
    const [primeiro] = trayMenuModel(trayViewOf(state), state, shellStrings('pt-BR'));
    expect(primeiro).toEqual({ type: 'status', label: '1 gravação falhou' });
    expect(en.status({ kind: 'uploading', count: 3, percent: 42 })).toBe('Uploading 3 recordings: 42%');
  });

  it('offers full speed while a limit holds, and a limit while none does', () => {
    const entries = (state: ShellState) =>
      trayMenuModel(trayViewOf(state), state, en).flatMap((e) =>
        e.type === 'action' && (e.action === 'limit-now' || e.action === 'full-speed') ? [e] : [],
      );
    const unlimited = stateWith({});
    expect(entries(unlimited)).toEqual([
      { type: 'action', action: 'limit-now', label: 'Limit upload speed now', enabled: true },
      { type: 'action', action: 'full-speed', label: 'Upload at full speed', enabled: false },
    ]);
    const limited = applyShellEvent(unlimited, {
      event: 'upload-rate',
      payload: { rate: 2 * 1024 * 1024, until: 1000, next: null, override: null },
    });
    expect(entries(limited).map((e) => [e.action, e.enabled])).toEqual([
      ['limit-now', false],
      ['full-speed', true],
    ]);
    const down = applyShellEvent(limited, {
      event: 'core-status',
      payload: { state: 'unavailable', detail: null },
    });
    expect(entries(down).map((e) => e.enabled)).toEqual([false, false]);
    expect(uploadLimitParams('limit-now')).toEqual({ limited: true });
    expect(uploadLimitParams('full-speed')).toEqual({ limited: false });
    expect(uploadLimitParams('pause-1h')).toBeNull();
    const pt = shellStrings('pt-BR');
    expect(
      trayMenuModel(trayViewOf(limited), limited, pt).flatMap((e) =>
        e.type === 'action' && e.action === 'full-speed' ? [e.label] : [],
      ),
    ).toEqual(['Enviar na velocidade máxima']);
  });

  it('pauses for one hour, eight hours, or until resumed', () => {
    expect(pauseParams('pause-1h', 1000)).toEqual({ until: 1000 + 3_600_000 });
    expect(pauseParams('pause-8h', 1000)).toEqual({ until: 1000 + 8 * 3_600_000 });
    expect(pauseParams('pause-until-resumed', 1000)).toEqual({ until: null });
    expect(pauseParams('quit', 1000)).toBeNull();
  });
});
