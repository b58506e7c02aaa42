import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { build, type InlineConfig } from 'vite';

/**
 * The project's own code bundled into ES modules for plain Node or Electron's Node processes.
 * Dependencies stay in node_modules (native ones cannot be bundled).
 */
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
};
const dependencies = Object.keys(pkg.dependencies);
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

export const isExternal = (id: string): boolean =>
  builtins.has(id) || id === 'electron' || dependencies.some((dep) => id === dep || id.startsWith(`${dep}/`));

export const commonBuildConfig: InlineConfig = {
  configFile: false,
  logLevel: 'warn',
  publicDir: false,
};

export interface NodeBundle {
  /** Output name (without .js) → source entry. */
  input: Record<string, string>;
  outDir: string;
  chunkFileNames: string;
}

export async function buildNodeBundle({ input, outDir, chunkFileNames }: NodeBundle): Promise<void> {
  await build({
    ...commonBuildConfig,
    build: {
      ssr: true,
      target: 'node22',
      outDir,
      emptyOutDir: false,
      minify: false,
      sourcemap: true,
      rolldownOptions: {
        input,
        external: isExternal,
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames },
      },
    },
  });
}
