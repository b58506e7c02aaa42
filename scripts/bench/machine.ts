import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import type { CoreSplit } from './cores.ts';

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  os: string;
  /** Does the CPU hash sha256 in hardware (x86 SHA extensions)? null when unknown. */
  shaExtensions: boolean | null;
  /** Where the test servers and the clients ran (cores.ts), in words. */
  placement: string;
  /** The link between clients and servers, in words (link.ts). */
  link: string;
}

export function describeMachine(placement: CoreSplit | string, linkRate: string | null = null): Machine {
  const cpuinfo = readOptional('/proc/cpuinfo');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  const mhz = /^cpu MHz\s*:\s*([\d.]+)$/m.exec(cpuinfo)?.[1];
  const flags = /^flags\s*:\s*(.+)$/m.exec(cpuinfo)?.[1];
  return {
    cpu: mhz === undefined ? model : `${model} @ ${(Number(mhz) / 1000).toFixed(2)} GHz`,
    // The machine's, not the share of them this process was placed on (cores.ts).
    cores: cpus().length,
    ramGiB: totalmem() / 1024 ** 3,
    node: process.version,
    os: `${osName()} (${type()} ${release()})`,
    shaExtensions: flags === undefined ? null : flags.split(/\s+/).includes('sha_ni'),
    placement:
      typeof placement === 'string'
        ? `servers and clients on the same cores (${placement})`
        : `the test servers on CPU ${placement.servers}, the uploader and curl on CPU ${placement.clients} (taskset)`,
    link:
      linkRate === null
        ? 'loopback, unshaped'
        : `loopback shaped to ${linkRate} (tc tbf), as a workstation's network limits a real upload`,
  };
}

/** How fast Node's crypto hashes sha256 on one core, in MB/s (10^6 bytes), best of three. */
export function sha256Throughput(totalBytes = 512 * 1024 * 1024): number {
  const piece = randomBytes(16 * 1024 * 1024);
  let best = 0;
  for (let round = 0; round < 3; round += 1) {
    const hash = createHash('sha256');
    const started = performance.now();
    for (let done = 0; done < totalBytes; done += piece.byteLength) hash.update(piece);
    hash.digest();
    best = Math.max(best, totalBytes / 1e6 / ((performance.now() - started) / 1000));
  }
  return best;
}

function osName(): string {
  const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readOptional('/etc/os-release'))?.[1];
  return pretty ?? process.platform;
}

function readOptional(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
