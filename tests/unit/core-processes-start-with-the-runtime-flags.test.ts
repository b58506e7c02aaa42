import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { CORE_RUNTIME_FLAGS } from '../../src-main/core-process/core-runtime-flags.ts';

const MiB = 1024 * 1024;
/** Short-lived objects by the million, as an upload makes them; prints the young generation's size. */
const CHURN = `const v8 = require('node:v8'); let live = [];
for (let i = 0; i < 3e6; i++) { live.push({ i, s: 'x' + i }); if (live.length > 20000) live = []; }
console.log(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);`;

const forks: Array<{ entry: string; args: string[]; options: { execArgv?: string[] } }> = [];
vi.mock('electron', () => ({
  utilityProcess: {
    fork: (entry: string, args: string[], options: { execArgv?: string[] }) => {
      forks.push({ entry, args, options });
      return Object.assign(new EventEmitter(), { postMessage: () => {}, kill: () => true });
    },
  },
}));

const { spawnUtilityCore } = await import('../../src-main/desktop/supervisor/utility-core.ts');

describe('every uploader process starts with the runtime flags that keep its memory flat', () => {
  it('the flags keep the young generation to a few MB where churn grows it far beyond without them', () => {
    const newSpace = (flags: readonly string[]): number => {
      const out = execFileSync(process.execPath, [...flags, '-e', CHURN], { encoding: 'utf8' });
      return Number(out.trim());
    };
    // 2 MB here on a quiet machine, up to about 4 MB under load: V8 sizes it, the flag caps it.
    const capped = newSpace(CORE_RUNTIME_FLAGS);
    expect(capped).toBeLessThanOrEqual(8 * MiB);
    expect(newSpace([])).toBeGreaterThanOrEqual(4 * capped);
  });

  it("the desktop app's core process", () => {
    spawnUtilityCore('/app/core-entry.js', '/data');
    expect(forks).toHaveLength(1);
    expect(forks[0]?.args).toEqual(['--data-dir', '/data']);
    expect(forks[0]?.options.execArgv).toEqual([...CORE_RUNTIME_FLAGS]);
  });

  it('the headless host, as `npm run headless` starts it (built, after building it if stale)', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const commands: string[] = manifest.scripts.headless.split(' && ');
    // The Node version check and the build check run first and end; the host itself is the last
    // command, with the flags.
    expect(commands.at(-1)).toBe(`node ${CORE_RUNTIME_FLAGS.join(' ')} out/headless/main.js`);
    expect(commands.slice(0, -1)).toEqual([
      'node scripts/check-node.mjs',
      'node scripts/build-headless.ts --if-stale',
    ]);
  });
});
