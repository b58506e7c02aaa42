import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { STORAGE_API_TOKEN_ENV } from '../src-main/core/auth/env-secret-store.ts';
import { systemClock } from '../src-main/core/host-services.ts';
import { SqliteJobStore } from '../src-main/core/store/job-store.ts';
import type { JobState } from '../src-shared/job.ts';
import { visitSignIn } from '../tests/support/form-post-browser.ts';
import { HeadlessProcess } from '../tests/support/headless-cli.ts';
import { fetchTrusting } from '../tests/support/trusting-fetch.ts';
import { JsonLinesChild } from './bench/json-lines-child.ts';
import { describeMachine } from './bench/machine.ts';

/**
 * `npm run soak`: the headless host (`node --max-semi-space-size=1 src-main/headless/main.ts run`)
 * against each destination's test server, each in a process of its own, with recordings of
 * assorted sizes, about one request in ten meeting a fault the service really produces (passing
 * 5xx, throttling, cut connections, answers lost after the bytes were stored, failed deletes,
 * forgotten sessions, now and then damaged bytes), colleagues' files of the same name and size
 * planted in the remote folder, and the host SIGKILLed at random moments, start-up included,
 * started again only once the killed process is gone, as a service manager would. Then one last
 * run finishes the queue, and each destination's line says what the remote holds:
 *
 *   onedrive: 30/30 byte-identical, 0 duplicates, 0 foreign files deleted, 100 kills
 *
 * Options: --destinations a,b  --recordings N  --kills N  --minutes M (the whole run's bound).
 * Runs inside a private keyring session (scripts/with-private-keyring.sh), as the tests do.
 */
const KiB = 1024;
const MiB = 1024 * KiB;
/** Assorted sizes: small files, OneDrive's simple-upload limit on both sides, several chunks. */
const SIZES = [
  3 * KiB,
  180 * KiB,
  900 * KiB,
  3 * MiB + 17,
  4 * MiB - 1,
  4 * MiB + 301,
  7 * MiB + 5,
  11 * MiB + 3,
];
const DESTINATIONS = ['storage-api', 'onedrive', 'gdrive'] as const;
type Destination = (typeof DESTINATIONS)[number];

interface Options {
  destinations: Destination[];
  recordings: number;
  kills: number;
  minutes: number;
}

interface Stored {
  id: string;
  name: string;
  size: number;
  sha256: string;
}

interface Outcome {
  destination: Destination;
  recordings: number;
  identical: number;
  duplicates: number;
  foreignDeleted: number;
  kills: number;
  selfExits: string[];
  failures: string[];
  jobs: Partial<Record<JobState, number>>;
  requests: number;
  faults: number;
  damages: number;
  seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const between = (low: number, high: number): number => low + Math.floor(Math.random() * (high - low));

function options(): Options {
  const { values } = parseArgs({
    options: {
      destinations: { type: 'string', default: DESTINATIONS.join(',') },
      recordings: { type: 'string', default: '30' },
      kills: { type: 'string', default: '100' },
      minutes: { type: 'string', default: '15' },
    },
  });
  const destinations = values.destinations.split(',').map((d) => d.trim()) as Destination[];
  for (const d of destinations) {
    if (!DESTINATIONS.includes(d))
      throw new Error(`unknown destination ${d} (known: ${DESTINATIONS.join(', ')})`);
  }
  return {
    destinations,
    recordings: Number(values.recordings),
    kills: Number(values.kills),
    minutes: Number(values.minutes),
  };
}

/** The destination's test server in its own process (soak/soak-peer-process.ts). */
class SoakPeer {
  readonly #child: JsonLinesChild;
  readonly hello: { settings: Record<string, string>; certificate?: string; token?: string };

  private constructor(child: JsonLinesChild, hello: SoakPeer['hello']) {
    this.#child = child;
    this.hello = hello;
  }

  static async start(destination: Destination, storeDir: string): Promise<SoakPeer> {
    const script = fileURLToPath(new URL('./soak/soak-peer-process.ts', import.meta.url));
    const child = new JsonLinesChild(`the ${destination} test server`, script, [destination, storeDir]);
    return new SoakPeer(child, await child.next<SoakPeer['hello']>());
  }

  request<T>(value: unknown): Promise<T> {
    return this.#child.request<T>(value);
  }

  close(): Promise<unknown> {
    return this.#child.end();
  }
}

/** Every job's state (and, when it failed, why), read beside the running host as `status` would. */
function jobStates(dataDir: string, reasons: Map<string, string> = new Map()): Map<string, JobState> {
  const file = join(dataDir, 'uploader.db');
  const states = new Map<string, JobState>();
  if (!existsSync(file)) return states;
  const db = new BetterSqlite3(file);
  try {
    db.pragma('busy_timeout = 5000');
    for (const job of new SqliteJobStore(db, systemClock).list('all', 0, 100_000)) {
      states.set(job.fileName, job.state);
      if (job.state === 'failed') reasons.set(job.fileName, job.lastError ?? '');
    }
  } catch (error) {
    if (!/no such table/.test(String(error))) throw error;
  } finally {
    db.close();
  }
  return states;
}

async function connect(
  destination: Destination,
  peer: SoakPeer,
  args: string[],
  env: Record<string, string>,
) {
  if (destination === 'storage-api') return;
  const connecting = new HeadlessProcess(['connect', destination, ...args], { env });
  if (destination === 'onedrive') {
    const output = await connecting.waitForOutput(/^\s+https:\S+$/m);
    const url = /^\s+(https:\S+)$/m.exec(output)?.[1] as string;
    await visitSignIn(url, fetchTrusting(peer.hello.certificate as string));
  } else {
    const output = await connecting.waitForOutput(/sign in:\s+\S+/);
    await (await fetch(/sign in:\s+(\S+)/.exec(output)?.[1] as string)).text();
  }
  const done = await connecting.exited;
  if (done.code !== 0) throw new Error(`connect ${destination} exited ${done.code}: ${done.stderr}`);
}

async function soak(destination: Destination, opts: Options, budgetMs: number): Promise<Outcome> {
  const started = Date.now();
  const root = mkdtempSync(join(tmpdir(), `soak-${destination}-`));
  const folder = join(root, 'recordings');
  const dataDir = join(root, 'data');
  mkdirSync(folder, { recursive: true });
  mkdirSync(join(root, 'store'), { recursive: true });
  const peer = await SoakPeer.start(destination, join(root, 'store'));
  try {
    const env: Record<string, string> = {};
    if (peer.hello.token !== undefined) env[STORAGE_API_TOKEN_ENV] = peer.hello.token;
    if (peer.hello.certificate !== undefined) {
      const certificate = join(root, 'identity-provider.pem');
      writeFileSync(certificate, peer.hello.certificate);
      env.NODE_EXTRA_CA_CERTS = certificate;
    }
    const settingsFile = join(root, 'settings.json');
    writeFileSync(
      settingsFile,
      JSON.stringify({
        ...peer.hello.settings,
        activeDestination: destination,
        recordingsFolder: folder,
        settleSeconds: 1,
        chunkSizeBytes: MiB,
      }),
    );
    const args = ['--data-dir', dataDir, '--settings', settingsFile];
    await connect(destination, peer, args, env);

    // The recordings, and a colleague's file of the same name and size beside every third one.
    const names = Array.from(
      { length: opts.recordings },
      (_, i) => `soak-${String(i + 1).padStart(3, '0')}.mp4`,
    );
    const sizes = names.map((_, i) => SIZES[i % SIZES.length] as number);
    const planted: Stored[] = [];
    for (let i = 0; i < names.length; i += 3) {
      planted.push(await peer.request<Stored>({ op: 'plant', name: names[i], size: sizes[i] }));
    }
    const written = new Map<string, string>();
    const writeSome = (count: number): void => {
      for (const [i, name] of names.entries()) {
        if (count <= 0) return;
        if (written.has(name)) continue;
        const bytes = randomBytes(sizes[i] as number);
        writeFileSync(join(folder, name), bytes);
        written.set(name, sha256(bytes));
        count -= 1;
      }
    };

    await peer.request({ op: 'chaos', on: true });
    const killPhaseEnds = started + budgetMs * 0.7;
    let kills = 0;
    const selfExits: string[] = [];
    while (kills < opts.kills && Date.now() < killPhaseEnds) {
      writeSome(Math.ceil(opts.recordings / 10));
      const run = new HeadlessProcess(['run', ...args], { env });
      // Random moments, start-up included: some kills land before the host has opened anything.
      await Promise.race([sleep(Math.random() < 0.2 ? between(0, 400) : between(400, 3500)), run.exited]);
      if (!run.running) {
        const outcome = await run.exited;
        selfExits.push(`exit ${outcome.code}: ${(outcome.stderr || outcome.stdout).trim().slice(-300)}`);
        continue;
      }
      run.child.kill('SIGKILL');
      // As a service manager: the next start only once the killed process is gone.
      await run.exited;
      kills += 1;
    }
    writeSome(opts.recordings);

    // One last run, left alone, finishes the queue.
    const last = new HeadlessProcess(['run', ...args], { env });
    const deadline = started + budgetMs;
    for (;;) {
      const states = jobStates(dataDir);
      const settled = names.every((name) => ['done', 'failed'].includes(states.get(name) ?? ''));
      if (settled || Date.now() > deadline || !last.running) break;
      await sleep(500);
    }
    await peer.request({ op: 'chaos', on: false });
    await last.stop('SIGTERM', 30_000).catch(() => last.child.kill('SIGKILL'));

    const files = await peer.request<Stored[]>({ op: 'files' });
    let identical = 0;
    let duplicates = 0;
    for (const name of names) {
      const copies = files.filter((f) => f.sha256 === written.get(name)).length;
      if (copies > 0) identical += 1;
      duplicates += Math.max(0, copies - 1);
    }
    const foreignDeleted = planted.filter(
      (p) => !files.some((f) => f.id === p.id && f.sha256 === p.sha256),
    ).length;
    const jobs: Partial<Record<JobState, number>> = {};
    const failures = new Map<string, string>();
    for (const state of jobStates(dataDir, failures).values()) jobs[state] = (jobs[state] ?? 0) + 1;
    const faults = await peer.request<{ requests: number; faults: number; damages: number }>({
      op: 'faults',
    });
    return {
      destination,
      recordings: names.length,
      identical,
      duplicates,
      foreignDeleted,
      kills,
      selfExits,
      failures: [...failures].map(([name, reason]) => `${name}: ${reason}`),
      jobs,
      ...faults,
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    await peer.close().catch(() => {});
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const opts = options();
  const machine = describeMachine('the soak measures no speed');
  console.log(
    `soak on ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB.toFixed(1)} GiB, Node ${machine.node}, ${machine.os}`,
  );
  console.log(
    `${opts.recordings} recordings per destination, about 1 request in 10 faulted, up to ${opts.kills} SIGKILLs each, bounded to ${opts.minutes} min`,
  );
  const budgetMs = (opts.minutes * 60_000) / opts.destinations.length;
  let broken = false;
  for (const destination of opts.destinations) {
    const o = await soak(destination, opts, budgetMs);
    console.log(
      `${o.destination}: ${o.identical}/${o.recordings} byte-identical, ${o.duplicates} duplicates, ${o.foreignDeleted} foreign files deleted, ${o.kills} kills`,
    );
    const jobs = Object.entries(o.jobs)
      .map(([state, n]) => `${n} ${state}`)
      .join(', ');
    console.log(
      `  ${o.faults} faults armed over ${o.requests} requests (${o.damages} damaging), jobs: ${jobs}, ${o.seconds} s`,
    );
    for (const exit of o.selfExits) console.log(`  the host ended by itself: ${exit}`);
    for (const failure of o.failures) console.log(`  failed: ${failure}`);
    broken ||= o.identical < o.recordings || o.duplicates > 0 || o.foreignDeleted > 0;
  }
  process.exitCode = broken ? 1 : 0;
}

await main();
