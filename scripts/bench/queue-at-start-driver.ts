import { parseArgs } from 'node:util';
import { Uploader } from '../../src-main/core/uploader.ts';
import { dataPaths } from '../../src-main/node-host/data-dir.ts';
import { acquireInstanceLock } from '../../src-main/node-host/instance-lock.ts';
import { openNodeHost } from '../../src-main/node-host/node-host.ts';
import type { JobView } from '../../src-shared/job.ts';
import { requiredOption } from './measure-job.ts';

/**
 * Starts the uploader core, built as the headless `run` command builds it, on a recordings folder
 * that already holds `--count` finished recordings, and measures how long it takes from start
 * until every one of them is queued (uploads paused, so nothing else happens):
 *
 *   node queue-at-start-driver.ts --folder DIR --data-dir DIR --count N
 *
 * The settle time is 1 s, the least the setting allows: the watcher looks at each file twice, that
 * far apart, before it counts as finished. Prints one JSON line: {scannedSeconds, queuedSeconds,
 * settleSeconds} or {error}.
 */
const { values } = parseArgs({
  options: { folder: { type: 'string' }, 'data-dir': { type: 'string' }, count: { type: 'string' } },
});
const folder = requiredOption(values.folder, '--folder');
const dataDir = requiredOption(values['data-dir'], '--data-dir');
const count = Number(requiredOption(values.count, '--count'));
const SETTLE_SECONDS = 1;

async function main(): Promise<{ scannedSeconds: number; queuedSeconds: number; settleSeconds: number }> {
  const lock = acquireInstanceLock(dataPaths(dataDir).lock);
  const host = openNodeHost(dataDir);
  const uploader = new Uploader({
    host: host.services,
    db: host.db,
    overrides: {
      recordingsFolder: folder,
      storageApiBaseUrl: 'http://127.0.0.1:9/api',
      settleSeconds: SETTLE_SECONDS,
      uploadsPaused: true,
    },
  });
  try {
    const queued = new Set<string>();
    const started = performance.now();
    const allQueued = new Promise<number>((resolve) => {
      uploader.events.subscribe(({ event, payload }) => {
        if (event !== 'job-updated') return;
        queued.add((payload as JobView).fileName);
        if (queued.size === count) resolve(performance.now());
      });
    });
    // start() resolves once the files already there have been looked at (the scan).
    await uploader.start();
    const scanned = performance.now();
    const deadline = setTimeout(() => {
      throw new Error(`only ${queued.size} of ${count} recordings were queued within 60 s`);
    }, 60_000);
    const done = await allQueued;
    clearTimeout(deadline);
    return {
      scannedSeconds: (scanned - started) / 1000,
      queuedSeconds: (done - started) / 1000,
      settleSeconds: SETTLE_SECONDS,
    };
  } finally {
    await uploader.stop();
    await host.close();
    lock.release();
  }
}

main().then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stdout.write(
      `${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`,
    );
    process.exitCode = 1;
  },
);
