import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type InlineConfig } from 'vite';

/**
 * Builds the desktop app's Node-side pieces into out/ (the renderer is `vite build`, see
 * vite.config.ts): the main process and the core process as ES modules, the preload as one
 * CommonJS file, since a sandboxed preload can require nothing but parts of `electron`.
 * Dependencies stay in node_modules (native ones cannot be bundled); the project's own code is.
 * `--out-dir DIR` builds elsewhere (inside the project, so node_modules is still found), e.g. for
 * `npm run bench` to measure the core process as it ships without touching out/.
 */
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
};
const dependencies = Object.keys(pkg.dependencies);
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

const outDir = parseArgs({ options: { 'out-dir': { type: 'string', default: 'out' } } }).values['out-dir'];

const isExternal = (id: string): boolean =>
  builtins.has(id) || id === 'electron' || dependencies.some((dep) => id === dep || id.startsWith(`${dep}/`));

const common: InlineConfig = {
  configFile: false,
  logLevel: 'warn',
  publicDir: false,
};

async function buildProcesses(): Promise<void> {
  await build({
    ...common,
    build: {
      ssr: true,
      target: 'node22',
      outDir,
      emptyOutDir: false,
      minify: false,
      sourcemap: true,
      rolldownOptions: {
        input: {
          'main/main': 'src-main/desktop/main.ts',
          'core-process/core-entry': 'src-main/core-process/core-entry.ts',
        },
        external: isExternal,
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'shared/[name]-[hash].js' },
      },
    },
  });
}

async function buildPreload(): Promise<void> {
  await build({
    ...common,
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
