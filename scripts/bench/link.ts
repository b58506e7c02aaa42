import { execFileSync } from 'node:child_process';

/**
 * A link of a given rate in place of unbounded loopback (`--link-rate 1gbit`): the loopback
 * interface shaped by a token bucket (tc's tbf), so the uploader and curl both meet the limit a
 * workstation's network puts on every real upload, and what the client does with its CPU meanwhile
 * no longer decides the figure. Linux, as root, with tc (iproute2); it shapes every loopback
 * connection on the machine until removed, so the bench runs alone.
 */
export interface ShapedLink {
  rate: string;
  remove(): void;
}

const RATE = /^(\d+(?:\.\d+)?)(k|m|g)?bit$/;
const UNIT: Readonly<Record<string, number>> = { '': 1, k: 1e3, m: 1e6, g: 1e9 };

/** `--link-rate`'s value in bits per second, or an error naming the form it takes. */
export function linkRateBits(text: string): number {
  const match = RATE.exec(text.trim().toLowerCase());
  if (match === null)
    throw new Error(`--link-rate takes a rate such as 1gbit, 500mbit or 100mbit; got "${text}"`);
  return Number(match[1]) * (UNIT[match[2] ?? ''] ?? 1);
}

/** Shapes loopback to `rate`; refuses (naming why) where it cannot, or where lo is shaped already. */
export function shapeLoopback(rate: string): ShapedLink {
  const bits = linkRateBits(rate);
  if (process.platform !== 'linux')
    throw new Error('--link-rate shapes the loopback interface on Linux only');
  let current: string;
  try {
    current = execFileSync('tc', ['qdisc', 'show', 'dev', 'lo'], { encoding: 'utf8' });
  } catch (error) {
    throw new Error(
      `--link-rate needs tc (iproute2): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!/^qdisc noqueue /m.test(current))
    throw new Error(
      `--link-rate: the loopback interface is shaped already, and is left as it is: ${current.trim()}`,
    );
  // The bucket holds a hundredth of a second of the rate, at least 1 MiB: tbf needs a burst of
  // at least rate / HZ to reach the rate at all.
  const burst = Math.max(2 ** 20, Math.ceil(bits / 8 / 100));
  const tc = (args: string[]) => execFileSync('tc', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    tc([
      'qdisc',
      'add',
      'dev',
      'lo',
      'root',
      'tbf',
      'rate',
      String(bits),
      'burst',
      String(burst),
      'latency',
      '50ms',
    ]);
  } catch (error) {
    throw new Error(
      `--link-rate could not shape the loopback interface (root is needed): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  let removed = false;
  return {
    rate,
    remove: () => {
      if (removed) return;
      removed = true;
      tc(['qdisc', 'del', 'dev', 'lo', 'root']);
    },
  };
}
