import { spawn } from 'node:child_process';
import { electronBinaryOrExit } from './electron-binary.ts';

/** `npm start` after `npm run build`: `electron .`, with a plain message where Electron is missing. */
const app = spawn(electronBinaryOrExit(), ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
app.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal === null ? 0 : 1);
});
