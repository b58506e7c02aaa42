import { utilityProcess } from 'electron';
import type { CoreToShell } from '../../core-process/core-messages.ts';
import { CORE_RUNTIME_FLAGS } from '../../core-process/core-runtime-flags.ts';
import type { CoreChild } from './core-supervisor.ts';

/** The core as an Electron utility process: the same entry file a Node parent forks in the tests. */
export function spawnUtilityCore(entry: string, dataDir: string): CoreChild {
  const child = utilityProcess.fork(entry, ['--data-dir', dataDir], {
    serviceName: 'Recording Uploader core',
    stdio: 'inherit',
    execArgv: [...CORE_RUNTIME_FLAGS],
  });
  let alive = true;
  child.once('exit', () => {
    alive = false;
  });
  return {
    post: (message) => {
      if (alive) child.postMessage(message);
    },
    kill: () => {
      if (alive) child.kill();
    },
    onMessage: (listener) => child.on('message', (message: CoreToShell) => listener(message)),
    onExit: (listener) => child.once('exit', (code) => listener(code)),
  };
}
