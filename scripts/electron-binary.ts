import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The Electron executable the `electron` package downloaded, or a clear error where it did not
 * (installs with ELECTRON_SKIP_BINARY_DOWNLOAD=1 have the package's types and no binary).
 */
export function electronBinary(): string {
  const packageDir = fileURLToPath(new URL('../node_modules/electron/', import.meta.url));
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(packageDir, 'dist');
  const binary = relative === '' ? '' : join(distDir, relative);
  if (binary === '' || !existsSync(binary)) {
    throw new Error(
      'Electron\'s binary is not installed (node_modules/electron/dist). Install it with "node node_modules/electron/install.js" on a machine that can download it; `npm run headless -- run --web-ui` runs the same UI in a browser without it.',
    );
  }
  return binary;
}

/** For the npm scripts: the binary, or the reason on stderr and exit code 1 (no stack trace). */
export function electronBinaryOrExit(): string {
  try {
    return electronBinary();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
