import { mkdtempSync, rmSync } from 'node:fs';
import { getPriority, constants as os, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoreToShell } from '../../src-main/core-process/core-messages.ts';
import { type ForkedCore, forkCore } from '../support/forked-core.ts';
import { HeadlessFixture } from '../support/headless-fixture.ts';

const BELOW_NORMAL = os.priority.PRIORITY_BELOW_NORMAL;
// Children inherit this process's niceness: a test run that is itself niced still tells them apart.
const inherited = getPriority(0);
const belowNormal = Math.max(inherited, BELOW_NORMAL);

let fixture: HeadlessFixture | undefined;
let core: ForkedCore | undefined;
let dir: string | undefined;

afterEach(async () => {
  core?.kill();
  core = undefined;
  await fixture?.close();
  fixture = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function ready(child: ForkedCore): Promise<void> {
  return new Promise((resolve, reject) => {
    child.onMessage((message: CoreToShell) => {
      if (message.kind === 'ready') resolve();
      if (message.kind === 'failed') reject(new Error(message.message));
    });
  });
}

describe('the uploader process yields the CPU', () => {
  it('headless run: below normal by default, normal when the setting says so', async () => {
    fixture = await HeadlessFixture.start();
    const lowered = fixture.run();
    await lowered.waitForOutput(/Watching /);
    expect(getPriority(lowered.child.pid)).toBe(belowNormal);
    await lowered.stop('SIGTERM');

    fixture.writeSettings({ recordingsFolder: fixture.folder, cpuPriority: 'normal' });
    const normal = fixture.run();
    await normal.waitForOutput(/Watching /);
    expect(getPriority(normal.child.pid)).toBe(inherited);
    await normal.stop('SIGTERM');
  });

  it('the desktop core process: below normal', async () => {
    dir = mkdtempSync(join(tmpdir(), 'core-priority-'));
    core = forkCore(dir);
    await ready(core);
    expect(getPriority(core.process.pid)).toBe(belowNormal);
  });
});
