import { spawn } from 'node:child_process';
import { createServer } from 'vite';
import { electronBinaryOrExit } from './electron-binary.ts';

/**
 * `npm run dev`: the renderer from Vite's dev server with hot reload, inside the real shell. The
 * main, preload and core processes are built once; restart `npm run dev` after changing them.
 */
const electron = electronBinaryOrExit();
await import('./build-shell.ts');
const server = await createServer({ configFile: 'vite.config.ts' });
await server.listen();
const url = server.resolvedUrls?.local[0];
if (url === undefined) throw new Error('the Vite dev server did not report its address');
server.printUrls();

const app = spawn(electron, ['.'], { stdio: 'inherit', env: { ...process.env, VITE_DEV_SERVER_URL: url } });
const stop = async (code: number) => {
  await server.close();
  process.exit(code);
};
app.on('exit', (code) => void stop(code ?? 0));
process.on('SIGINT', () => app.kill('SIGINT'));
process.on('SIGTERM', () => app.kill('SIGTERM'));
