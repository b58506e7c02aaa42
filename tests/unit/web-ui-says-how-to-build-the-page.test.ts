import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from '../../src-main/headless/cli-args.ts';
import { webUiRequest } from '../../src-main/headless/web-ui/web-ui-option.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A checkout's out/renderer, built or not. */
function rendererDir(built: boolean): string {
  const checkout = mkdtempSync(join(tmpdir(), 'checkout-'));
  dirs.push(checkout);
  const dir = join(checkout, 'out', 'renderer');
  if (built) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
  }
  return dir;
}

describe('run --web-ui before the UI was built', () => {
  it('refuses to start, naming the missing page and the command that builds it, in that checkout', () => {
    const dir = rendererDir(false);
    const ask = () => webUiRequest(parseCliArgs(['run', '--web-ui']), dir);
    expect(ask).toThrow(UsageError);
    expect(ask).toThrow(
      `--web-ui: the web UI is not built (there is no ${join(dir, 'index.html')}). Build it with "npm run build:renderer" in ${join(dir, '..', '..')}, then start again.`,
    );
  });

  it('starts with a built UI, on the folder’s own port unless one is given', () => {
    const dir = rendererDir(true);
    expect(webUiRequest(parseCliArgs(['run', '--web-ui']), dir)).toEqual({ port: undefined });
    expect(webUiRequest(parseCliArgs(['run', '--web-ui', '--web-ui-port', '0']), dir)).toEqual({ port: 0 });
    expect(webUiRequest(parseCliArgs(['run']), dir)).toBeNull();
  });
});
