import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreSupervisor } from '../../src-main/desktop/supervisor/core-supervisor.ts';
import { RestartBackoff } from '../../src-main/desktop/supervisor/restart-backoff.ts';
import { createBridgeClient, type UploaderBridge } from '../../src-shared/bridge-client.ts';
import {
  type AnyBridgeEvent,
  type BridgeEvent,
  type BridgeResponse,
  CORE_UNAVAILABLE,
  type CoreStatus,
} from '../../src-shared/bridge-contract.ts';
import { type ForkedCore, forkCore } from '../support/forked-core.ts';

describe('the desktop core process under its supervisor (a real child process)', () => {
  let dir: string;
  const supervisors: CoreSupervisor[] = [];

  afterEach(async () => {
    await Promise.all(supervisors.splice(0).map((supervisor) => supervisor.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  function supervise(dataDir: string) {
    const children: ForkedCore[] = [];
    const statuses: CoreStatus[] = [];
    const events: BridgeEvent[] = [];
    const supervisor = new CoreSupervisor({
      spawn: () => {
        const child = forkCore(dataDir);
        children.push(child);
        return child;
      },
      onEvent: (raw) => {
        events.push(raw);
        const event = raw as AnyBridgeEvent;
        if (event.event === 'core-status') statuses.push(event.payload);
      },
      onOpenBrowser: () => {},
      backoff: new RestartBackoff({ initialMs: 100, maxMs: 400 }),
      stopDeadlineMs: 10_000,
    });
    supervisors.push(supervisor);
    let deliver: (message: BridgeResponse | BridgeEvent) => void = () => {};
    const bridge: UploaderBridge = createBridgeClient({
      send: (request) => void supervisor.request(request).then((response) => deliver(response)),
      onMessage: (listener) => {
        deliver = listener;
      },
    });
    supervisor.start();
    return { supervisor, bridge, children, statuses, events };
  }

  it('answers through the child, comes back after a SIGKILL with its state, and says so meanwhile', async () => {
    dir = mkdtempSync(join(tmpdir(), 'core-process-'));
    const { bridge, children, statuses } = supervise(dir);

    const first = await bridge.invoke('getSnapshot', {});
    expect(first.settings.maxConcurrentUploads).toBe(2);
    await bridge.invoke('updateSettings', { maxConcurrentUploads: 5 });

    const victim = children[0]?.process;
    victim?.kill('SIGKILL');
    await expect.poll(() => statuses.at(-1)?.state).toBe('unavailable');
    expect(statuses.at(-1)?.detail).toMatch(/stopped unexpectedly.*Restarting in/);

    await expect.poll(() => statuses.at(-1)?.state, { timeout: 20_000 }).toBe('running');
    expect(children).toHaveLength(2);
    const after = await bridge.invoke('getSnapshot', {});
    expect(after.settings.maxConcurrentUploads).toBe(5);
  });

  it('refuses a command while the core is down, with the reason, instead of leaving it hanging', async () => {
    dir = mkdtempSync(join(tmpdir(), 'core-process-'));
    const { supervisor, children, statuses } = supervise(dir);
    await expect.poll(() => supervisor.status.state, { timeout: 20_000 }).toBe('running');
    await supervisor.request({ id: 1, method: 'getSnapshot', params: {} });

    children[0]?.process.kill('SIGKILL');
    await expect.poll(() => statuses.length).toBeGreaterThan(0);
    const refused = await supervisor.request({ id: 41, method: 'getSnapshot', params: {} });
    expect(refused).toMatchObject({ id: 41, error: { code: CORE_UNAVAILABLE } });
  });

  it('stops on Quit: the core persists, exits and releases the data folder; no restart follows', async () => {
    dir = mkdtempSync(join(tmpdir(), 'core-process-'));
    const { supervisor, bridge, children, statuses } = supervise(dir);
    await bridge.invoke('getSnapshot', {});
    expect(existsSync(join(dir, 'uploader.lock'))).toBe(true);

    await supervisor.stop();
    expect(children[0]?.process.exitCode ?? children[0]?.process.signalCode).not.toBeNull();
    expect(existsSync(join(dir, 'uploader.lock'))).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(children).toHaveLength(1);
    expect(statuses).toEqual([]);
  });

  it('reports why a core cannot start: another uploader holds the data folder', async () => {
    dir = mkdtempSync(join(tmpdir(), 'core-process-'));
    const holder = supervise(dir);
    await holder.bridge.invoke('getSnapshot', {});

    const second = supervise(dir);
    await expect.poll(() => second.statuses.at(-1)?.state, { timeout: 20_000 }).toBe('unavailable');
    expect(second.statuses.at(-1)?.detail).toMatch(/could not run: another uploader is already running/);
  });
});
