import { describe, expect, it } from 'vitest';
import type { CoreToShell, ShellToCore } from '../../src-main/core-process/core-messages.ts';
import {
  type CoreChild,
  CoreSupervisor,
  type SupervisorTimers,
} from '../../src-main/desktop/supervisor/core-supervisor.ts';
import { RestartBackoff } from '../../src-main/desktop/supervisor/restart-backoff.ts';
import { type BridgeEvent, CORE_UNAVAILABLE, type CoreStatus } from '../../src-shared/bridge-contract.ts';

describe('core restart backoff', () => {
  it('doubles while the core keeps dying soon after each start, up to the cap', () => {
    const backoff = new RestartBackoff({ initialMs: 1000, maxMs: 8000, stableAfterMs: 60_000 });
    const delays: number[] = [];
    let now = 0;
    for (let i = 0; i < 6; i++) {
      backoff.started(now);
      now += 500;
      const delay = backoff.delayAfterExit(now);
      delays.push(delay);
      now += delay;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('starts over for a core that ran long enough to count as healthy', () => {
    const backoff = new RestartBackoff({ initialMs: 1000, maxMs: 60_000, stableAfterMs: 60_000 });
    backoff.started(0);
    expect(backoff.delayAfterExit(10)).toBe(1000);
    backoff.started(1010);
    expect(backoff.delayAfterExit(1020)).toBe(2000);
    backoff.started(3020);
    expect(backoff.delayAfterExit(3020 + 60_000)).toBe(1000);
  });
});

/** A core process under the test's control: it says and does only what the test makes it. */
class FakeCore implements CoreChild {
  readonly posted: ShellToCore[] = [];
  killed = false;
  #onMessage: (message: CoreToShell) => void = () => {};
  #onExit: (code: number | null) => void = () => {};
  post(message: ShellToCore) {
    this.posted.push(message);
  }
  kill() {
    this.killed = true;
  }
  onMessage(listener: (message: CoreToShell) => void) {
    this.#onMessage = listener;
  }
  onExit(listener: (code: number | null) => void) {
    this.#onExit = listener;
  }
  say(message: CoreToShell) {
    this.#onMessage(message);
  }
  exit(code: number | null) {
    this.#onExit(code);
  }
  requests() {
    return this.posted.flatMap((m) => (m.kind === 'request' ? [m.request] : []));
  }
}

/** Timers the test advances by hand. */
class ManualTimers implements SupervisorTimers {
  time = 0;
  readonly #due = new Map<number, { at: number; callback: () => void }>();
  #next = 1;
  now() {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number) {
    const handle = this.#next++;
    this.#due.set(handle, { at: this.time + ms, callback });
    return handle;
  }
  clearTimeout(handle: unknown) {
    this.#due.delete(handle as number);
  }
  advance(ms: number) {
    this.time += ms;
    for (const [handle, timer] of [...this.#due].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at > this.time) continue;
      this.#due.delete(handle);
      timer.callback();
    }
  }
}

function setup() {
  const cores: FakeCore[] = [];
  const statuses: CoreStatus[] = [];
  const timers = new ManualTimers();
  const supervisor = new CoreSupervisor({
    spawn: () => {
      const core = new FakeCore();
      cores.push(core);
      return core;
    },
    onEvent: (event: BridgeEvent) => {
      if (event.event === 'core-status') statuses.push(event.payload as CoreStatus);
    },
    onOpenBrowser: () => {},
    backoff: new RestartBackoff({ initialMs: 1000, maxMs: 30_000, stableAfterMs: 60_000 }),
    readyTimeoutMs: 5000,
    stopDeadlineMs: 3000,
    timers,
  });
  supervisor.start();
  return { supervisor, cores, statuses, timers };
}

const current = (cores: FakeCore[]) => cores.at(-1) as FakeCore;

describe('the core supervisor', () => {
  it('holds requests until the core is ready, then forwards them renumbered and answers with the original id', async () => {
    const { supervisor, cores } = setup();
    const fromWindow = supervisor.request({ id: 1, method: 'getSnapshot', params: {} });
    const fromTray = supervisor.request({ id: 1, method: 'resumeAll', params: {} });
    expect(current(cores).requests()).toEqual([]);
    current(cores).say({ kind: 'ready' });
    const [a, b] = current(cores).requests();
    expect(a?.id).not.toBe(b?.id);
    current(cores).say({ kind: 'response', response: { id: b?.id ?? -1, result: 'resumed' } });
    current(cores).say({ kind: 'response', response: { id: a?.id ?? -1, result: 'snapshot' } });
    expect(await fromWindow).toEqual({ id: 1, result: 'snapshot' });
    expect(await fromTray).toEqual({ id: 1, result: 'resumed' });
  });

  it('fails the requests a dying core carried, refuses new ones with the reason, and restarts with growing waits', async () => {
    const { supervisor, cores, statuses, timers } = setup();
    current(cores).say({ kind: 'ready' });
    const carried = supervisor.request({ id: 9, method: 'getSnapshot', params: {} });
    current(cores).exit(134);
    expect(await carried).toMatchObject({ id: 9, error: { code: CORE_UNAVAILABLE } });
    expect(statuses).toEqual([
      {
        state: 'unavailable',
        detail: 'The uploader stopped unexpectedly (exit code 134). Restarting in 1 s.',
      },
    ]);
    const meanwhile = await supervisor.request({ id: 10, method: 'getSnapshot', params: {} });
    expect(meanwhile).toEqual({
      id: 10,
      error: {
        code: CORE_UNAVAILABLE,
        message: 'The uploader stopped unexpectedly (exit code 134). Restarting in 1 s.',
      },
    });

    timers.advance(999);
    expect(cores).toHaveLength(1);
    timers.advance(1);
    expect(cores).toHaveLength(2);
    current(cores).exit(1);
    expect(statuses.at(-1)?.detail).toMatch(/Restarting in 2 s/);
    timers.advance(2000);
    expect(cores).toHaveLength(3);
    current(cores).say({ kind: 'ready' });
    expect(statuses.at(-1)).toEqual({ state: 'running', detail: null });
  });

  it('says why a core could not start', () => {
    const { cores, statuses } = setup();
    current(cores).say({
      kind: 'failed',
      message: 'another uploader is already running on this data folder (pid 42)',
    });
    expect(current(cores).killed).toBe(true);
    current(cores).exit(1);
    expect(statuses.at(-1)?.detail).toBe(
      'The uploader could not run: another uploader is already running on this data folder (pid 42). Restarting in 1 s.',
    );
  });

  it('ends a core that never says ready, and starts another', () => {
    const { cores, timers } = setup();
    timers.advance(5000);
    expect(current(cores).killed).toBe(true);
    current(cores).exit(null);
    timers.advance(1000);
    expect(cores).toHaveLength(2);
  });

  it('stops on Quit: asks the core to stop, ends it after the deadline, and never restarts it', async () => {
    const { supervisor, cores, timers } = setup();
    current(cores).say({ kind: 'ready' });
    let stopped = false;
    void supervisor.stop().then(() => {
      stopped = true;
    });
    expect(current(cores).posted.at(-1)).toEqual({ kind: 'stop' });
    timers.advance(3000);
    expect(current(cores).killed).toBe(true);
    current(cores).exit(null);
    await Promise.resolve();
    expect(stopped).toBe(true);
    timers.advance(60_000);
    expect(cores).toHaveLength(1);
    expect(await supervisor.request({ id: 1, method: 'getSnapshot', params: {} })).toMatchObject({
      error: { code: CORE_UNAVAILABLE },
    });
  });

  it('stops at once while waiting to restart', async () => {
    const { supervisor, cores, timers } = setup();
    current(cores).exit(1);
    await supervisor.stop();
    timers.advance(60_000);
    expect(cores).toHaveLength(1);
  });
});
