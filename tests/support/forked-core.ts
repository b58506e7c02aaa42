import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CoreToShell } from '../../src-main/core-process/core-messages.ts';
import { CORE_RUNTIME_FLAGS } from '../../src-main/core-process/core-runtime-flags.ts';
import type { CoreChild } from '../../src-main/desktop/supervisor/core-supervisor.ts';

const CORE_ENTRY = fileURLToPath(new URL('../../src-main/core-process/core-entry.ts', import.meta.url));

export interface ForkedCore extends CoreChild {
  readonly process: ChildProcess;
}

/**
 * The desktop app's core process as a plain Node child: the same entry file Electron's utility
 * process runs, talking over Node's IPC channel with structured cloning instead of parentPort.
 */
export function forkCore(dataDir: string, env: NodeJS.ProcessEnv = process.env): ForkedCore {
  const child = fork(CORE_ENTRY, ['--data-dir', dataDir], {
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    execArgv: [...process.execArgv, ...CORE_RUNTIME_FLAGS],
    env,
  });
  child.stderr?.resume();
  return {
    process: child,
    post: (message) => {
      if (child.connected) child.send(message);
    },
    kill: () => {
      child.kill('SIGKILL');
    },
    onMessage: (listener) => child.on('message', (message) => listener(message as CoreToShell)),
    onExit: (listener) => child.once('exit', (code) => listener(code)),
  };
}
