import { describe, expect, it } from 'vitest';
import { shellStrings } from '../../src-main/desktop/shell-strings.ts';
import {
  applyShellEvent,
  initialShellState,
  type ShellState,
} from '../../src-main/desktop/tray/shell-state.ts';
import { pauseParams, trayMenuModel, uploadLimitParams } from '../../src-main/desktop/tray/tray-menu.ts';
import { countsDown, trayViewOf } from '../../src-main/desktop/tray/tray-state.ts';
import { NO_HOST_CAPABILITIES } from '../../src-shared/bridge-contract.ts';
import type { Headline } from '../../src-shared/health.ts';
import { headlineText } from '../../src-shared/health-words.ts';
import type { QueueTotals } from '../../src-shared/job.ts';
import { NO_POLICY_VIEW } from '../../src-shared/policy.ts';
import { defaultSettings, type SettingName, type Settings } from '../../src-shared/settings.ts';
import { healthWith, zeroTotals } from '../support/health-samples.ts';

function stateWith(
  headline: Headline,
  more: { settings?: Partial<Settings>; totals?: Partial<QueueTotals>; locked?: SettingName[] } = {},
) {
  return applyShellEvent(initialShellState(), {
    event: 'snapshot',
    payload: {
      settings: { ...defaultSettings(), ...more.settings },
      totals: zeroTotals(more.totals),
      jobs: [],
      connections: [{ destination: 'storage-api', state: 'connected', label: null, detail: null }],
      paused: more.settings?.uploadsPaused ?? false,
      host: NO_HOST_CAPABILITIES,
      platform: 'linux',
      uploadRate: { rate: null, until: null, next: null, override: null },
      policy:
        more.locked === undefined
          ? NO_POLICY_VIEW
          : {
              ...NO_POLICY_VIEW,
              state: 'in-force',
              file: '/etc/recording-uploader/policy.json',
              locked: more.locked,
            },
      health: healthWith(headline, more.totals),
    },
  });
}

describe('the tray shows the health’s headline', () => {
  it('picks its icon from the headline: attention, offline, paused, uploading or idle', () => {
    const icon = (headline: Headline) => trayViewOf(stateWith(headline)).state;
    expect(icon({ kind: 'folder-missing', path: '/rec', since: null })).toBe('attention');
    expect(icon({ kind: 'needs-auth', destination: 'storage-api', since: null, waiting: 2 })).toBe(
      'attention',
    );
    expect(icon({ kind: 'failed', count: 1 })).toBe('attention');
    const down = {
      kind: 'unreachable',
      destination: 'storage-api',
      since: 1,
      nextTryAt: 2,
      reason: null,
      waiting: 1,
    };
    expect(icon(down as Headline)).toBe('offline');
    expect(icon({ kind: 'throttled', destination: 'storage-api', until: 5, waiting: 1 })).toBe('offline');
    expect(icon({ kind: 'paused', until: null, waiting: 0, managed: false })).toBe('paused');
    expect(icon({ kind: 'uploading', count: 1, bytesLeft: 10, etaSeconds: null })).toBe('uploading');
    expect(icon({ kind: 'caught-up' })).toBe('idle');
    expect(icon({ kind: 'policy-stopped', problem: 'the policy /p.json is not valid JSON' })).toBe(
      'attention',
    );
  });

  it('says the headline in the very words of the window and status, in the operator language', () => {
    const headline: Headline = { kind: 'needs-auth', destination: 'storage-api', since: null, waiting: 1 };
    const state = stateWith(headline);
    const view = trayViewOf(state);
    expect(view.status).toEqual({ kind: 'health', headline });
    const en = shellStrings('en');
    expect(en.status(view.status)).toBe(headlineText(headline, 'en', Date.now()));
    expect(en.status(view.status)).toBe('The storage API needs a new token — 1 recording waits');
    const [first] = trayMenuModel(view, state, en);
    expect(first).toEqual({ type: 'status', label: 'The storage API needs a new token — 1 recording waits' });
    expect(shellStrings('pt-BR').status(view.status)).toBe(
      'A API de armazenamento precisa de um novo token — 1 gravação aguarda',
    );
  });

  it('follows health events, and counts down while a destination is unreachable', () => {
    let state = stateWith({ kind: 'caught-up' });
    expect(countsDown(trayViewOf(state))).toBe(false);
    const down: Headline = {
      kind: 'unreachable',
      destination: 'storage-api',
      since: Date.now() - 60_000,
      nextTryAt: Date.now() + 42_000,
      reason: 'could not connect (ECONNREFUSED)',
      waiting: 1,
    };
    state = applyShellEvent(state, { event: 'health', payload: healthWith(down, { waiting: 1 }) });
    const view = trayViewOf(state);
    expect(view.state).toBe('offline');
    expect(countsDown(view)).toBe(true);
    expect(shellStrings('en').status(view.status)).toMatch(
      /^The storage API is unreachable since .+ — next try in (41|42) s$/,
    );
    expect(state.totals?.waiting).toBe(1);
  });

  it('needs attention when the core is down, before any headline', () => {
    const down = applyShellEvent(stateWith({ kind: 'caught-up' }), {
      event: 'core-status',
      payload: { state: 'unavailable', detail: 'The uploader stopped unexpectedly. Restarting in 2 s.' },
    });
    expect(trayViewOf(down)).toEqual({
      state: 'attention',
      status: { kind: 'core-down', detail: 'The uploader stopped unexpectedly. Restarting in 2 s.' },
    });
    expect(trayViewOf(initialShellState())).toEqual({ state: 'idle', status: { kind: 'starting' } });
  });
});

describe('the tray menu', () => {
  const en = shellStrings('en');

  it('offers each action only where it can act', () => {
    const idle = stateWith({ kind: 'caught-up' }, { settings: { recordingsFolder: '/rec' } });
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
      'save-support-files': true,
      quit: true,
    });
    const paused = stateWith(
      { kind: 'paused', until: null, waiting: 0, managed: false },
      { settings: { uploadsPaused: true, pausedUntil: null } },
    );
    expect(enabled(paused)).toMatchObject({
      resume: true,
      'pause-until-resumed': false,
      'open-recordings': false,
    });
    const down = applyShellEvent(idle, {
      event: 'core-status',
      payload: { state: 'unavailable', detail: null },
    });
    expect(enabled(down)).toMatchObject({
      'pause-1h': false,
      resume: false,
      open: true,
      'save-support-files': false,
      quit: true,
    });
  });

  it('offers no pause, resume or lifting of a limit the policy holds, and says who holds them', () => {
    const menu = (state: ShellState) =>
      trayMenuModel(trayViewOf(state), state, en).flatMap((e) =>
        e.type === 'action' ? [`${e.action}:${e.enabled}`] : e.type === 'status' ? [e.label] : [],
      );
    const held = stateWith(
      { kind: 'caught-up' },
      { settings: { recordingsFolder: '/rec' }, locked: ['uploadsPaused', 'uploadRateLimit'] },
    );
    const limited = applyShellEvent(held, {
      event: 'upload-rate',
      payload: { rate: 2 * 1024 * 1024, until: null, next: null, override: null },
    });
    expect(menu(limited).slice(1)).toEqual([
      'open:true',
      'pause-1h:false',
      'pause-8h:false',
      'pause-until-resumed:false',
      'resume:false',
      'Pausing: managed by your organization',
      'limit-now:false',
      'full-speed:false',
      'Full speed: managed by your organization',
      'open-recordings:true',
      'open-logs:true',
      'save-support-files:true',
      'quit:true',
    ]);
    // Slowing down stays the operator's: the organization's limit is a floor, not a ceiling.
    expect(menu(held)).toContain('limit-now:true');
    expect(menu(held)).not.toContain('Full speed: managed by your organization');
    const portuguese = trayMenuModel(trayViewOf(limited), limited, shellStrings('pt-BR'));
    expect(portuguese.filter((e) => e.type === 'status').map((e) => e.label)).toContain(
      'Pausa: gerenciada pela sua organização',
    );
  });

  it('offers full speed while a limit holds, and a limit while none does', () => {
    const entries = (state: ShellState) =>
      trayMenuModel(trayViewOf(state), state, en).flatMap((e) =>
        e.type === 'action' && (e.action === 'limit-now' || e.action === 'full-speed') ? [e] : [],
      );
    const unlimited = stateWith({ kind: 'caught-up' });
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
