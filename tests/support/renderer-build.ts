import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { RENDERER_BUILD_DIR } from '../../src-main/headless/web-ui/web-ui-option.ts';

const REPO = resolve(import.meta.dirname, '../..');
const SOURCES = ['src-renderer', 'src-shared', 'vite.config.ts', 'package-lock.json'];
const STAMP = '.source-hash';
const LOCK = join(REPO, 'out', '.renderer-build.lock');
const STALE_LOCK_MS = 120_000;

/**
 * The production renderer build the headless host serves (out/renderer), built once for all the
 * browser tests of a run: it is rebuilt only when a source changed since the last build, and test
 * files starting at the same time wait for one build instead of overwriting each other's.
 */
export async function ensureRendererBuild(): Promise<string> {
  const hash = sourceHash();
  if (stampOf() === hash) return RENDERER_BUILD_DIR;
  await withLock(async () => {
    if (stampOf() === hash) return;
    const { build } = await import('vite');
    await build({
      configFile: join(REPO, 'vite.config.ts'),
      root: join(REPO, 'src-renderer'),
      logLevel: 'error',
    });
    writeFileSync(join(RENDERER_BUILD_DIR, STAMP), hash);
  });
  return RENDERER_BUILD_DIR;
}

function stampOf(): string | null {
  const file = join(RENDERER_BUILD_DIR, STAMP);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap((source) => filesUnder(join(REPO, source))).sort()) {
    hash.update(relative(REPO, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => filesUnder(join(path, name)));
}

async function withLock(work: () => Promise<void>): Promise<void> {
  mkdirSync(join(REPO, 'out'), { recursive: true });
  const deadline = Date.now() + STALE_LOCK_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock older than any build is one a killed run left behind.
      if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`the renderer build lock ${LOCK} was not released`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }
  try {
    await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
