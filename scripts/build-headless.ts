import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * Builds the headless host (`src-main/headless/main.ts`) into JavaScript in out/headless/, as the
 * desktop app's core process is built (scripts/build-shell.ts), so `npm run headless` runs
 * without Node's type stripping: about 30 MB less memory and a faster start.
 *
 *   node scripts/build-headless.ts              build it
 *   node scripts/build-headless.ts --if-stale   build it only when it is missing or older than any
 *                                               source it is built from (what `npm run headless`
 *                                               does first, so an edited source is what runs)
 *
 * It says what it does on standard error only: standard output belongs to the host
 * (`status --json`).
 */
const ROOT = resolve(import.meta.dirname, '..');
const HEADLESS_OUT_DIR = join(ROOT, 'out', 'headless');
const ENTRY = join(HEADLESS_OUT_DIR, 'main.js');
/** What the bundle is made from: the code, and what decides how it is built. */
const SOURCES = ['src-main', 'src-shared', 'package.json', 'package-lock.json', 'scripts/build-headless.ts'];

function newestChange(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, name)));
  return newest;
}

function headlessBundleIsStale(): boolean {
  const built = statSync(ENTRY, { throwIfNoEntry: false });
  if (built === undefined) return true;
  return SOURCES.some((source) => newestChange(join(ROOT, source)) > built.mtimeMs);
}

async function buildHeadless(): Promise<void> {
  // vite is loaded only when there is something to build: the check alone stays quick.
  const { buildNodeBundle } = await import('./node-bundle.ts');
  // Built beside, then swapped in, so a host starting meanwhile never runs half a build.
  const staging = `${HEADLESS_OUT_DIR}.building-${process.pid}`;
  try {
    await buildNodeBundle({
      input: { main: 'src-main/headless/main.ts', 'hash-worker': 'src-main/core/transfer/hash-worker.ts' },
      outDir: staging,
      // Every chunk beside the entry: the host finds its hashing thread and the web UI's files
      // relative to its own code.
      chunkFileNames: '[name]-[hash].js',
    });
    rmSync(HEADLESS_OUT_DIR, { recursive: true, force: true });
    renameSync(staging, HEADLESS_OUT_DIR);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

const { values } = parseArgs({ options: { 'if-stale': { type: 'boolean', default: false } } });
if (!values['if-stale'] || headlessBundleIsStale()) {
  const started = performance.now();
  process.stderr.write(
    existsSync(ENTRY)
      ? 'The sources changed since the headless host was built: building it again…\n'
      : 'Building the headless host into out/headless…\n',
  );
  await buildHeadless();
  process.stderr.write(`Built in ${((performance.now() - started) / 1000).toFixed(1)} s.\n`);
}
