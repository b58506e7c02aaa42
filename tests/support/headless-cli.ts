import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { STORAGE_API_TOKEN_ENV } from '../../src-main/core/auth/env-secret-store.ts';
import { CORE_RUNTIME_FLAGS } from '../../src-main/core-process/core-runtime-flags.ts';

const REPO = resolve(import.meta.dirname, '../..');
const MAIN = 'src-main/headless/main.ts';
const UNDER_POLICY = 'tests/support/headless-under-policy.ts';

export interface CliOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  /** Added to the environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Written to standard input, which is then closed. Without it, stdin is closed at once. */
  input?: string;
  /** Run under this policy file instead of the machine's (tests/support/headless-under-policy.ts). */
  policyFile?: string;
  /**
   * Run the real entry, which reads the machine policy from /etc/recording-uploader, with this
   * folder mounted there for this child alone (a private mount namespace; the tests run as root),
   * so that the tests running beside it never see it.
   */
  machinePolicyDir?: string;
}

/** Where Linux keeps the machine policy: the folder a machinePolicyDir is mounted on. */
export const MACHINE_POLICY_DIR = '/etc/recording-uploader';

/** `node ARGV…`, or inside its own mount namespace with `dir` mounted on the machine policy's folder. */
function command(argv: readonly string[], dir: string | undefined): [string, string[]] {
  if (dir === undefined) return [process.execPath, [...argv]];
  const script = `mkdir -p ${MACHINE_POLICY_DIR} && mount --bind "$0" ${MACHINE_POLICY_DIR} && exec "$@"`;
  return [
    'unshare',
    ['--mount', '--propagation', 'private', 'sh', '-c', script, dir, process.execPath, ...argv],
  ];
}

/**
 * The environment a child runs in: this process's (so the Secret Service session is inherited),
 * without a storage API token unless the test gives one.
 */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, [STORAGE_API_TOKEN_ENV]: undefined, ...extra };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  return env;
}

/** The headless host as an operator runs it: `npm run headless -- ARGS…`. */
export class HeadlessProcess {
  readonly child: ChildProcess;
  readonly args: readonly string[];
  readonly exited: Promise<CliOutcome>;
  #stdout = '';
  #stderr = '';
  #outcome: CliOutcome | null = null;

  constructor(args: readonly string[], options: SpawnOptions = {}) {
    this.args = args;
    const entry = options.policyFile === undefined ? [MAIN] : [UNDER_POLICY, options.policyFile];
    const [file, argv] = command([...CORE_RUNTIME_FLAGS, ...entry, ...args], options.machinePolicyDir);
    this.child = spawn(file, argv, {
      cwd: REPO,
      env: childEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      this.#stdout += text;
    });
    this.child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.#stderr += text;
    });
    this.child.stdin?.end(options.input ?? '');
    this.exited = new Promise((done, fail) => {
      this.child.once('error', fail);
      // 'close', not 'exit': the output pipes are read to their end first.
      this.child.once('close', (code, signal) => {
        this.#outcome = { code, signal, stdout: this.#stdout, stderr: this.#stderr };
        done(this.#outcome);
      });
    });
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`headless ${this.args[0]} did not start`);
    return this.child.pid;
  }

  get stdout(): string {
    return this.#stdout;
  }

  get stderr(): string {
    return this.#stderr;
  }

  get running(): boolean {
    return this.#outcome === null;
  }

  /** Resolves with all output so far once `pattern` appears in it; fails early if the process ends. */
  async waitForOutput(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const output = `${this.#stdout}${this.#stderr}`;
      if (pattern.test(output)) return output;
      if (!this.running) {
        throw new Error(`headless ${this.args[0]} ended without printing ${pattern}:\n${output}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`headless ${this.args[0]} did not print ${pattern} in ${timeoutMs} ms:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Sends `signal` and waits for the exit; fails if it takes longer than `timeoutMs`. */
  async stop(signal: NodeJS.Signals, timeoutMs = 20_000): Promise<CliOutcome & { ms: number }> {
    const started = Date.now();
    if (this.running) this.child.kill(signal);
    const outcome = await within(this.exited, timeoutMs, `headless ${this.args[0]} to exit on ${signal}`);
    return { ...outcome, ms: Date.now() - started };
  }
}

/** Runs one command to its end. */
export async function runCli(args: readonly string[], options: SpawnOptions = {}): Promise<CliOutcome> {
  const process = new HeadlessProcess(args, options);
  try {
    return await within(process.exited, 30_000, `headless ${args.join(' ')} to finish`);
  } finally {
    if (process.running) process.child.kill('SIGKILL');
  }
}

async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
