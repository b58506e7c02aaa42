import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { serverLaunch } from './cores.ts';

/**
 * A Node child process that speaks JSON lines on stdout: each line read is one value. Its stderr
 * is kept so a child that dies says why.
 */
export class JsonLinesChild {
  readonly #child: ChildProcess;
  readonly #lines: string[] = [];
  readonly #waiting: Array<(line: string | null) => void> = [];
  readonly #name: string;
  #stderr = '';
  #closed = false;

  constructor(
    name: string,
    script: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv = process.env,
    nodeFlags: readonly string[] = [],
    onServerCores = false,
  ) {
    this.#name = name;
    const argv = [...nodeFlags, script, ...args];
    const [command, commandArgs] = onServerCores
      ? serverLaunch(process.execPath, argv)
      : [process.execPath, argv];
    this.#child = spawn(command, commandArgs, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.#stderr = (this.#stderr + text).slice(-4000);
    });
    const lines = createInterface({ input: this.#child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const waiter = this.#waiting.shift();
      if (waiter) waiter(line);
      else this.#lines.push(line);
    });
    lines.on('close', () => {
      this.#closed = true;
      for (const waiter of this.#waiting.splice(0)) waiter(null);
    });
  }

  /** A test server: on the servers' cores when the bench split them (cores.ts). */
  static server(name: string, script: string, args: readonly string[]): JsonLinesChild {
    return new JsonLinesChild(name, script, args, process.env, [], true);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The next JSON value the child prints; an error naming the child if it exits first. */
  async next<T>(): Promise<T> {
    const line =
      this.#lines.shift() ??
      (this.#closed ? null : await new Promise<string | null>((resolve) => this.#waiting.push(resolve)));
    if (line === null) {
      await this.exited();
      throw new Error(`${this.#name} ended without an answer: ${this.#stderr.trim() || '(no error output)'}`);
    }
    try {
      return JSON.parse(line) as T;
    } catch {
      throw new Error(`${this.#name} printed a line that is not JSON: ${line.slice(0, 200)}`);
    }
  }

  /** Sends one JSON line and returns the answer line. */
  async request<T>(value: unknown): Promise<T> {
    this.#child.stdin?.write(`${JSON.stringify(value)}\n`);
    return this.next<T>();
  }

  /** Closes stdin (the child's signal to finish) and waits for it to exit. */
  async end(): Promise<void> {
    this.#child.stdin?.end();
    await this.exited();
  }

  kill(): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGTERM');
  }

  exited(): Promise<number | null> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null)
      return Promise.resolve(this.#child.exitCode);
    return new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
  }

  get stderr(): string {
    return this.#stderr;
  }
}
