import { execFileSync, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Which cores the test servers run on and which the client under test (the uploader, or curl as
 * its baseline): disjoint, so that neither takes its turns on the other's.
 *
 * A real server has a machine of its own. On a machine of two cores, a test server that needs a
 * whole core per 250 MB/s and a client that shares that core with it measure the scheduler rather
 * than the client: every cycle the client spends, the server loses, so a client that hashes (the
 * uploader) is charged twice for it and one that hashes nothing (curl) not at all.
 */
export interface CoreSplit {
  /** CPU list (taskset's form, "1" or "2,3") the test servers run on. */
  servers: string;
  /** CPU list the bench itself, and so every client it starts, runs on. */
  clients: string;
}

let inForce: CoreSplit | null = null;

export type CorePlacement = 'auto' | 'split' | 'shared';

/** `--cores`' value, or an error naming what it takes. */
export function corePlacementOf(text: string): CorePlacement {
  if (text === 'auto' || text === 'split' || text === 'shared') return text;
  throw new Error(`--cores takes auto, split or shared; got "${text}"`);
}

/** Below this many cores `auto` shares them: the uploader's main and hashing threads need two. */
const SPLIT_FROM_CORES = 4;

/** Applies `--cores`; returns the split made, or why there is none. */
export function placeCores(placement: CorePlacement): CoreSplit | string {
  if (placement === 'shared') return 'asked with --cores shared';
  if (placement === 'auto' && availableParallelism() < SPLIT_FROM_CORES)
    return `fewer than ${SPLIT_FROM_CORES} cores: one would not hold both of the uploader's threads; --cores split splits them anyway`;
  return splitCores();
}

/** The split in force, or null when the bench runs where the scheduler puts it. */
export function coreSplit(): CoreSplit | null {
  return inForce;
}

/**
 * Splits the cores this process may use in two (the servers get the upper half, the clients the
 * rest) and moves this process and its threads to the clients' half, so every child inherits it;
 * servers are started with serverLaunch(). Linux with taskset only: elsewhere, or on one core,
 * nothing changes and the reason is returned.
 */
function splitCores(): CoreSplit | string {
  if (process.platform !== 'linux') return 'cores are split on Linux only';
  if (spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status !== 0)
    return 'taskset (util-linux) is not installed';
  const cpus = allowedCpus();
  if (cpus.length < 2) return `only ${cpus.length} core is available`;
  const serverCount = Math.floor(cpus.length / 2);
  const split = {
    servers: cpus.slice(cpus.length - serverCount).join(','),
    clients: cpus.slice(0, cpus.length - serverCount).join(','),
  };
  try {
    execFileSync('taskset', ['--all-tasks', '--pid', '--cpu-list', split.clients, String(process.pid)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    return `taskset could not move the bench to CPU ${split.clients}: ${error instanceof Error ? error.message : String(error)}`;
  }
  inForce = split;
  return split;
}

/** The command and arguments that start `execPath args` on the servers' cores (as is without a split). */
export function serverLaunch(execPath: string, args: readonly string[]): [string, string[]] {
  if (inForce === null) return [execPath, [...args]];
  return ['taskset', ['--cpu-list', inForce.servers, execPath, ...args]];
}

/** The CPUs this process may run on, from taskset's "current affinity list: 0-3,6". */
function allowedCpus(): number[] {
  const text = execFileSync('taskset', ['--pid', '--cpu-list', String(process.pid)], { encoding: 'utf8' });
  const list = /:\s*([\d,\-\s]+)$/.exec(text.trim())?.[1] ?? '';
  return parseCpuList(list);
}

/** "0-2,5" → [0, 1, 2, 5]. */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const [from, to = from] = part.split('-').map(Number);
    if (from === undefined || to === undefined || !Number.isInteger(from) || !Number.isInteger(to)) continue;
    for (let cpu = from; cpu <= to; cpu += 1) cpus.push(cpu);
  }
  return cpus;
}
