import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DriveUploadMeasurement } from './gdrive-upload-driver.ts';

/**
 * The Google Drive path of `npm run bench`: the uploader core sends a file to the Drive test
 * server (resumable, 256 KiB-multiple chunks, md5 verified), both in processes of their own; curl
 * sends the same file to the same server as the baseline; and md5 throughput says what the
 * verification costs on this CPU.
 */
export interface GdriveBenchResult {
  seconds: number;
  bytes: number;
  cpuSeconds: number;
  peakRssBytes: number;
}

export interface GdriveBenchOptions {
  sizeBytes: number;
  /** Where the test file, the data folder and the server's store go; a fresh temp folder if unset. */
  workDir?: string;
  chunkSizeBytes?: number;
  /** A running server to reuse (e.g. so curl and the uploader meet the same one). */
  peer?: DrivePeerProcess;
}

const SCRIPTS = import.meta.dirname;

/** The Drive and Google identity test servers in their own process. */
export class DrivePeerProcess {
  readonly settings: Record<string, string>;
  readonly #child: ChildProcess;
  readonly #lines: AsyncIterator<string>;

  private constructor(child: ChildProcess, lines: AsyncIterator<string>, settings: Record<string, string>) {
    this.#child = child;
    this.#lines = lines;
    this.settings = settings;
  }

  static async start(storeDir: string): Promise<DrivePeerProcess> {
    await mkdir(storeDir, { recursive: true });
    const child = spawn(process.execPath, [join(SCRIPTS, 'gdrive-peer-process.ts'), storeDir], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done === true) throw new Error('the Drive test server process ended before it started');
    return new DrivePeerProcess(child, lines, JSON.parse(first.value) as Record<string, string>);
  }

  async request<T>(value: unknown): Promise<T> {
    this.#child.stdin?.write(`${JSON.stringify(value)}\n`);
    const line = await this.#lines.next();
    if (line.done === true) throw new Error('the Drive test server process ended');
    const answer = JSON.parse(line.value) as T & { error?: string };
    if (answer.error !== undefined) throw new Error(`Drive test server: ${answer.error}`);
    return answer;
  }

  async stop(): Promise<void> {
    this.#child.stdin?.end();
    if (this.#child.exitCode === null) await new Promise((resolve) => this.#child.once('exit', resolve));
  }
}

/** Uploads a file of `sizeBytes` random bytes with the uploader core and measures it. */
export async function benchGdriveUpload(options: GdriveBenchOptions): Promise<GdriveBenchResult> {
  return withWork(options, async (work, peer) => {
    const file = await writeTestFile(join(work, 'recordings', 'bench.mp4'), options.sizeBytes);
    const dataDir = join(work, 'data');
    await mkdir(dataDir, { recursive: true });
    const args = ['--file', file.path, '--data-dir', dataDir, '--peer', JSON.stringify(peer.settings)];
    if (options.chunkSizeBytes !== undefined) args.push('--chunk-bytes', String(options.chunkSizeBytes));
    const measured = await runDriver(args);
    const stored = await peer.request<Array<{ id: string; size: number; md5Checksum: string }>>({
      op: 'files',
    });
    const landed = stored.find((f) => f.id === measured.remoteId);
    if (landed?.md5Checksum !== file.md5 || landed.size !== options.sizeBytes) {
      throw new Error('the Drive test server does not hold the file the uploader reported');
    }
    await peer.request({ op: 'clear' });
    return {
      seconds: measured.seconds,
      bytes: measured.sizeBytes,
      cpuSeconds: measured.cpuSeconds,
      peakRssBytes: measured.peakRssBytes,
    };
  });
}

/**
 * The baseline: curl sends the same kind of file to the same server in one PUT to a resumable
 * session (its only, and so last, chunk: the protocol allows it). Session start is not timed.
 */
export async function benchCurlDriveUpload(
  options: GdriveBenchOptions,
): Promise<{ seconds: number; bytes: number }> {
  return withWork(options, async (work, peer) => {
    const file = await writeTestFile(join(work, 'curl', 'bench.mp4'), options.sizeBytes);
    const { accessToken } = await peer.request<{ accessToken: string }>({ op: 'token' });
    const start = await fetch(`${peer.settings.driveApiBaseUrl}/upload/drive/v3/files?uploadType=resumable`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${accessToken}`,
        'content-type': 'application/json',
        'x-upload-content-length': String(options.sizeBytes),
      },
      body: JSON.stringify({ name: 'curl-bench.mp4' }),
    });
    const session = start.headers.get('location');
    if (session === null)
      throw new Error(`the Drive test server answered ${start.status} to a session start`);
    const range =
      options.sizeBytes === 0 ? 'bytes */0' : `bytes 0-${options.sizeBytes - 1}/${options.sizeBytes}`;
    const started = performance.now();
    const status = await curl(['--upload-file', file.path, '--header', `Content-Range: ${range}`, session]);
    const seconds = (performance.now() - started) / 1000;
    if (status !== 200 && status !== 201) throw new Error(`curl's upload answered HTTP ${status}`);
    await peer.request({ op: 'clear' });
    return { seconds, bytes: options.sizeBytes };
  });
}

/** How fast Node's crypto hashes md5 on one core, in MB/s (10^6 bytes), best of three. */
export function md5Throughput(totalBytes = 512 * 1024 * 1024): number {
  const piece = randomBytes(16 * 1024 * 1024);
  let best = 0;
  for (let round = 0; round < 3; round += 1) {
    const hash = createHash('md5');
    const started = performance.now();
    for (let done = 0; done < totalBytes; done += piece.byteLength) hash.update(piece);
    hash.digest();
    best = Math.max(best, totalBytes / 1e6 / ((performance.now() - started) / 1000));
  }
  return best;
}

async function withWork<T>(
  options: GdriveBenchOptions,
  run: (work: string, peer: DrivePeerProcess) => Promise<T>,
): Promise<T> {
  const work = options.workDir ?? (await mkdtemp(join(tmpdir(), 'gdrive-bench-')));
  const runDir = await mkdtemp(join(work, 'run-'));
  const peer = options.peer ?? (await DrivePeerProcess.start(join(runDir, 'peer-store')));
  try {
    return await run(runDir, peer);
  } finally {
    if (options.peer === undefined) await peer.stop();
    await rm(runDir, { recursive: true, force: true });
    if (options.workDir === undefined) await rm(work, { recursive: true, force: true });
  }
}

/** Random bytes written in 16 MiB pieces; the md5 is taken as they are written. */
async function writeTestFile(path: string, sizeBytes: number): Promise<{ path: string; md5: string }> {
  await mkdir(join(path, '..'), { recursive: true });
  const hash = createHash('md5');
  const out = createWriteStream(path);
  const piece = randomBytes(16 * 1024 * 1024);
  for (let written = 0; written < sizeBytes; ) {
    // A copy per piece: the stream may still hold it when the next one is changed.
    const bytes = Buffer.from(piece.subarray(0, Math.min(piece.length, sizeBytes - written)));
    // Each piece differs from the last, so nothing along the way can take a shortcut.
    piece[0] = (piece[0] as number) + 1;
    hash.update(bytes);
    if (!out.write(bytes)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    written += bytes.length;
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return { path, md5: hash.digest('hex') };
}

function runDriver(args: string[]): Promise<DriveUploadMeasurement> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(SCRIPTS, 'gdrive-upload-driver.ts'), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      output += text;
    });
    child.once('error', reject);
    child.once('close', () => {
      try {
        const answer = JSON.parse(output.trim().split('\n').pop() ?? '') as DriveUploadMeasurement & {
          error?: string;
        };
        if (answer.error !== undefined) reject(new Error(`the Drive upload driver failed: ${answer.error}`));
        else resolve(answer);
      } catch {
        reject(new Error(`the Drive upload driver printed no measurement: ${output.slice(0, 400)}`));
      }
    });
  });
}

function curl(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'curl',
      ['--silent', '--show-error', '--output', '/dev/null', '--write-out', '%{http_code}', ...args],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      output += text;
    });
    child.once('error', (error) => reject(new Error(`curl could not be started: ${error.message}`)));
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`curl exited ${code}`));
      else resolve(Number(output.trim()));
    });
  });
}
