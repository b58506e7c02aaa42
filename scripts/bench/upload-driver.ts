import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { Uploader } from '../../src-main/core/uploader.ts';
import { dataPaths } from '../../src-main/node-host/data-dir.ts';
import { acquireInstanceLock } from '../../src-main/node-host/instance-lock.ts';
import { openNodeHost } from '../../src-main/node-host/node-host.ts';
import { measureJob, reportOutcome, requiredOption, type UploadMeasurement } from './measure-job.ts';

/**
 * Uploads one recording to the storage API with the real uploader core, built as the headless
 * `run` command builds it (same host services, same settings path), and measures this process
 * while it does:
 *
 *   node upload-driver.ts --file PATH --base-url URL --data-dir DIR [--chunk-bytes N]
 *
 * The token comes from RECORDING_UPLOADER_STORAGE_API_TOKEN, as on a server without a keychain.
 * The file's folder is the recordings folder, so it is found by the watcher like any recording.
 * Prints one JSON line: an UploadMeasurement, or `{error}`.
 */
async function main(): Promise<UploadMeasurement> {
  const { values } = parseArgs({
    options: {
      file: { type: 'string' },
      'base-url': { type: 'string' },
      'data-dir': { type: 'string' },
      'chunk-bytes': { type: 'string' },
    },
  });
  const file = requiredOption(values.file, '--file');
  const baseUrl = requiredOption(values['base-url'], '--base-url');
  const dataDir = requiredOption(values['data-dir'], '--data-dir');
  const chunk = values['chunk-bytes'] === undefined ? {} : { chunkSizeBytes: Number(values['chunk-bytes']) };

  const lock = acquireInstanceLock(dataPaths(dataDir).lock);
  const host = openNodeHost(dataDir);
  const uploader = new Uploader({
    host: host.services,
    db: host.db,
    // Normal priority, as curl runs (the shipped default, below normal, yields to other work).
    overrides: {
      recordingsFolder: dirname(file),
      storageApiBaseUrl: baseUrl,
      settleSeconds: 1,
      cpuPriority: 'normal',
      ...chunk,
    },
  });
  try {
    const measuring = measureJob(uploader, basename(file));
    await uploader.start();
    return await measuring;
  } finally {
    await uploader.stop();
    await host.close();
    lock.release();
  }
}

reportOutcome(main());
