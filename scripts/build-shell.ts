import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'vite';
import { buildNodeBundle, commonBuildConfig } from './node-bundle.ts';

/**
 * Builds the desktop app's Node-side pieces into out/ (the renderer is `vite build`, see
 * vite.config.ts): the main process and the core process as ES modules, the preload as one
 * CommonJS file, since a sandboxed preload can require nothing but parts of `electron`.
 * Dependencies stay in node_modules (native ones cannot be bundled); the project's own code is.
 * `--out-dir DIR` builds elsewhere (inside the project, so node_modules is still found), e.g. for
 * `npm run bench` to measure the core process as it ships without touching out/.
 */
const outDir = parseArgs({ options: { 'out-dir': { type: 'string', default: 'out' } } }).values['out-dir'];

async function buildProcesses(): Promise<void> {
  await buildNodeBundle({
    input: {
      'main/main': 'src-main/desktop/main.ts',
      'core-process/core-entry': 'src-main/core-process/core-entry.ts',
      // Started by the core's hashing thread from beside the entry (hashing-thread.ts).
      'core-process/hash-worker': 'src-main/core/transfer/hash-worker.ts',
    },
    outDir,
    chunkFileNames: 'shared/[name]-[hash].js',
  });
}

async function buildPreload(): Promise<void> {
  await build({
    ...commonBuildConfig,
    build: {
      ssr: true,
      target: 'chrome130',
      outDir: join(outDir, 'preload'),
      emptyOutDir: false,
      minify: false,
      sourcemap: 'inline',
      rolldownOptions: {
        input: { preload: 'src-main/desktop/preload.ts' },
        external: (id) => id === 'electron',
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
    ssr: { noExternal: true },
  });
}

await buildProcesses();
await buildPreload();
