import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NO_HOST_CAPABILITIES } from '../../src-shared/bridge-contract.ts';
import { JOB_STATES, type JobState } from '../../src-shared/job.ts';
import { NO_POLICY_VIEW } from '../../src-shared/policy.ts';
import { defaultSettings } from '../../src-shared/settings.ts';

const shown: { title: string; body: string }[] = [];
class FakeNotification extends EventEmitter {
  static isSupported = () => true;
  readonly options: { title: string; body: string };
  constructor(options: { title: string; body: string }) {
    super();
    this.options = options;
  }
  show() {
    shown.push({ title: this.options.title, body: this.options.body });
  }
}
vi.mock('electron', () => ({ Notification: FakeNotification }));

const { NotificationLimiter } = await import('../../src-main/desktop/notifications/notification-limiter.ts');
const { noticeFor } = await import('../../src-main/desktop/notifications/notices.ts');
const { createNotifier } = await import('../../src-main/desktop/notifications/notifications.ts');
const { initialShellState, applyShellEvent } = await import('../../src-main/desktop/tray/shell-state.ts');
const { shellStrings } = await import('../../src-main/desktop/shell-strings.ts');
const { healthWith } = await import('../support/health-samples.ts');

describe('notification rate limits', () => {
  it('lets one notification of a kind through per minute, each kind on its own clock', () => {
    const limiter = new NotificationLimiter(60_000);
    expect(limiter.allow('recording-failed', 0)).toBe(true);
    expect(limiter.allow('recording-failed', 1)).toBe(false);
    expect(limiter.allow('sign-in-needed', 2)).toBe(true);
    expect(limiter.allow('recording-failed', 59_999)).toBe(false);
    expect(limiter.allow('recording-failed', 60_000)).toBe(true);
    expect(limiter.allow('sign-in-needed', 60_001)).toBe(false);
    expect(limiter.allow('sign-in-needed', 60_002)).toBe(true);
  });

  describe('the notifier (electron mocked)', () => {
    beforeEach(() => {
      shown.length = 0;
      vi.useFakeTimers({ now: 1_000_000 });
    });
    afterEach(() => vi.useRealTimers());

    it('shows twenty failures in a second as one notification, and the next one after a minute', () => {
      const notify = createNotifier(
        () => shellStrings('en'),
        '/icons/icon.png',
        () => {},
      );
      for (let i = 0; i < 20; i++)
        notify({ kind: 'recording-failed', fileName: `r${i}.mp4`, reason: 'HTTP 400' });
      notify({
        kind: 'problem',
        headline: { kind: 'needs-auth', destination: 'onedrive', since: null, waiting: 20 },
      });
      expect(shown).toEqual([
        { title: 'A recording failed to upload', body: 'r0.mp4: HTTP 400' },
        {
          title: 'Sign in to OneDrive again — 20 recordings wait',
          body: 'Open the uploader to sign in again.',
        },
      ]);
      vi.advanceTimersByTime(60_000);
      notify({ kind: 'recording-failed', fileName: 'late.mp4', reason: null });
      expect(shown.at(-1)).toEqual({ title: 'A recording failed to upload', body: 'late.mp4' });
      expect(shown).toHaveLength(3);
    });
  });
});

describe('which events are worth a notification', () => {
  const base = applyShellEvent(initialShellState(), {
    event: 'snapshot',
    payload: {
      settings: defaultSettings(),
      totals: {
        ...(Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>),
        doneToday: 0,
      },
      jobs: [],
      connections: [{ destination: 'onedrive', state: 'connected', label: 'op@example.com', detail: null }],
      paused: false,
      host: NO_HOST_CAPABILITIES,
      platform: 'linux',
      uploadRate: { rate: null, until: null, next: null, override: null },
      policy: NO_POLICY_VIEW,
      health: healthWith({ kind: 'caught-up' }),
    },
  });

  it('a headline that turns into a problem, in its own words, once per problem', () => {
    const refused = {
      event: 'health' as const,
      payload: healthWith({ kind: 'needs-auth', destination: 'onedrive', since: null, waiting: 1 }),
    };
    expect(noticeFor(base, refused)).toEqual({ kind: 'problem', headline: refused.payload.headline });
    const already = applyShellEvent(base, refused);
    expect(noticeFor(already, refused)).toBeNull();
    const gone = {
      event: 'health' as const,
      payload: healthWith({ kind: 'folder-missing', path: '/rec', since: 1 }),
    };
    expect(noticeFor(already, gone)).toEqual({ kind: 'problem', headline: gone.payload.headline });
    expect(shellStrings('pt-BR').notice({ kind: 'problem', headline: gone.payload.headline })).toEqual({
      title: 'A pasta de gravações não existe: /rec — nada está sendo observado',
      body: 'Abra o enviador para escolher a pasta de gravações.',
    });
    // What passes or goes on by itself is the tray's and the window's to show, not a notification.
    const busy = { kind: 'uploading' as const, count: 1, bytesLeft: 5, etaSeconds: 1 };
    expect(noticeFor(base, { event: 'health', payload: healthWith(busy) })).toBeNull();
  });

  it('a recording that failed for good, with its reason; not one that only waits', () => {
    const failed = {
      id: 1,
      destination: 'onedrive' as const,
      path: '/rec/a.mp4',
      fileName: 'a.mp4',
      sizeBytes: 1,
      state: 'failed' as const,
      confirmedBytes: 0,
      attempts: 3,
      lastError: 'the server refused the file',
      warning: null,
      sidecarWarning: null,
      remoteId: null,
      remoteUrl: null,
      createdAt: 0,
      updatedAt: 0,
      completedAt: null,
      nextAttemptAt: null,
      reconciledState: null,
      reconciledAt: null,
    };
    expect(noticeFor(base, { event: 'job-updated', payload: failed })).toEqual({
      kind: 'recording-failed',
      fileName: 'a.mp4',
      reason: 'the server refused the file',
    });
    expect(noticeFor(base, { event: 'job-updated', payload: { ...failed, state: 'waiting' } })).toBeNull();
  });

  it('archived recordings found missing or altered by a reconciliation; not an intact archive', () => {
    const summary = {
      destination: 'onedrive' as const,
      asOf: '2026-12-03T08:00:00.000Z',
      checked: 3,
      present: 1,
      missing: ['a.mp4'],
      altered: ['b.mp4'],
      unexpected: 0,
    };
    expect(noticeFor(base, { event: 'reconciled', payload: summary })).toEqual({
      kind: 'archive-changed',
      destination: 'onedrive',
      missing: ['a.mp4'],
      altered: ['b.mp4'],
    });
    const intact = { ...summary, present: 3, missing: [], altered: [] };
    expect(noticeFor(base, { event: 'reconciled', payload: intact })).toBeNull();
  });
});
