import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { Uploader } from '../../src-main/core/uploader.ts';
import { dataPaths } from '../../src-main/node-host/data-dir.ts';
import { acquireInstanceLock } from '../../src-main/node-host/instance-lock.ts';
import { openNodeHost } from '../../src-main/node-host/node-host.ts';
import type { Settings } from '../../src-shared/settings.ts';
import { visitSignIn } from '../../tests/support/form-post-browser.ts';
import { measureJob, reportOutcome, requiredOption, type UploadMeasurement } from './measure-job.ts';
import { memorySecrets } from './memory-secrets.ts';

/**
 * Uploads one recording to the OneDrive (Graph) or Google Drive test server with the real
 * uploader core, built as the headless `run` command builds it, and measures this process while
 * it does:
 *
 *   node cloud-upload-driver.ts --destination onedrive|gdrive --file PATH --data-dir DIR
 *                               --peer JSON [--chunk-bytes N] [--without-proof-hash]
 *
 * `--peer` is the settings line the test server's process printed. The sign-in is the real one:
 * the "browser" follows the identity provider's page back to the uploader's loopback listener.
 * Two things differ from a headless run, both outside what is measured: the tokens are kept in
 * memory (a bench machine need not have a keychain, and nothing of them outlives the run), and
 * the identity provider's test certificate is trusted through NODE_EXTRA_CA_CERTS, set by whoever
 * starts this process. Prints one JSON line: an UploadMeasurement, or `{error}`.
 */
async function main(): Promise<UploadMeasurement> {
  const { values } = parseArgs({
    options: {
      destination: { type: 'string' },
      file: { type: 'string' },
      'data-dir': { type: 'string' },
      peer: { type: 'string' },
      'chunk-bytes': { type: 'string' },
      // What the proof of archive's SHA-256 costs: the same upload without it (the proof section).
      'without-proof-hash': { type: 'boolean', default: false },
    },
  });
  const destination = requiredOption(values.destination, '--destination');
  if (destination !== 'onedrive' && destination !== 'gdrive')
    throw new Error(`--destination must be onedrive or gdrive, not ${destination}`);
  const file = requiredOption(values.file, '--file');
  const dataDir = requiredOption(values['data-dir'], '--data-dir');
  const peer = JSON.parse(requiredOption(values.peer, '--peer')) as Partial<Settings>;
  const chunk = values['chunk-bytes'] === undefined ? {} : { chunkSizeBytes: Number(values['chunk-bytes']) };

  const lock = acquireInstanceLock(dataPaths(dataDir).lock);
  const host = openNodeHost(dataDir);
  const { fetch } = host.services;
  const uploader = new Uploader({
    host: {
      ...host.services,
      secrets: memorySecrets(),
      openBrowser: async (url) => {
        // Microsoft's page posts a form back to the app; Google's consent redirects to it.
        if (destination === 'onedrive') await visitSignIn(url, fetch);
        else await (await fetch(url)).text();
      },
    },
    db: host.db,
    ...(values['without-proof-hash'] === true ? { withoutProofHash: true } : {}),
    overrides: {
      ...peer,
      activeDestination: destination,
      recordingsFolder: dirname(file),
      settleSeconds: 1,
      // Normal priority, as curl runs (the shipped default yields to other work).
      cpuPriority: 'normal',
      ...chunk,
    },
  });
  try {
    await uploader.connect({ destination });
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
