import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openDatabase } from '../../src-main/core/store/database.ts';
import { SqliteJobStore } from '../../src-main/core/store/job-store.ts';
import { Ledger } from '../../src-main/core/store/ledger.ts';
import { CORE_RUNTIME_FLAGS } from '../../src-main/core-process/core-runtime-flags.ts';

import { buildBundledHeadless } from './bundled-headless.ts';

const REPO = resolve(import.meta.dirname, '../..');

export interface ProofFigures {
  recordings: number;
  ledgerEntries: number;
  /** `report --format csv` over every recording, the whole command (start-up included). */
  report: Timing;
  /** `verify-ledger` over every entry, the whole command. */
  verifyLedger: Timing;
  databaseMB: number;
  /** The 1-minute load average before and after: on a shared machine, wall time stretches with it. */
  load: [number, number];
}

/**
 * The proof-of-archive commands against a database the size of a big archive: `recordings`
 * recordings uploaded and verified through the job store (each with its found, queued,
 * upload-started and verified entries), then the ledger filled up to `entries` with settings
 * changes. Both commands run as an operator runs them, through the built headless host.
 */
export async function measureProof(
  recordings: number,
  entries: number,
  log: (line: string) => void,
): Promise<ProofFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'uploader-bench-proof-'));
  const file = join(dir, 'uploader.db');
  try {
    const started = performance.now();
    const db = openDatabase(file);
    let now = Date.UTC(2026, 0, 1);
    const clock = { now: () => now };
    const store = new SqliteJobStore(db, clock);
    const fill = db.transaction(() => {
      for (let i = 0; i < recordings; i += 1) {
        now += 60_000;
        const job = store.enqueue(
          {
            path: `/recordings/session_${i}_Server_20260101.mp4`,
            sizeBytes: 50_000_000 + i,
            mtimeMs: now,
            sidecarPath: null,
          },
          'storage-api',
        );
        if (job === null) throw new Error('a bench recording was queued twice');
        store.claimNext(['storage-api']);
        store.markDone(job.id, { id: `file_${i}`, url: null, sha256: i.toString(16).padStart(64, '0') });
      }
    });
    fill();
    const ledger = new Ledger(db);
    const pad = db.transaction(() => {
      for (let seq = ledger.head().seq; seq < entries; seq += 1) {
        ledger.append({ event: 'settings-changed', details: { keys: ['maxRetries'] } }, now);
      }
    });
    pad();
    const ledgerEntries = ledger.head().seq;
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    log(
      `proof: ${recordings} recordings and ${ledgerEntries} ledger entries written in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const loadBefore = loadavg()[0] ?? 0;
    const entry = buildBundledHeadless();
    const report = await timeCommand(entry, ['report', '--database', file, '--format', 'csv']);
    log(
      `proof: report over ${recordings} recordings in ${report.wallSeconds.toFixed(2)} s (CPU ${report.cpuSeconds.toFixed(2)} s)`,
    );
    const verifyLedger = await timeCommand(entry, ['verify-ledger', '--database', file]);
    log(
      `proof: verify-ledger over ${ledgerEntries} entries in ${verifyLedger.wallSeconds.toFixed(2)} s (CPU ${verifyLedger.cpuSeconds.toFixed(2)} s)`,
    );
    return {
      recordings,
      ledgerEntries,
      report,
      verifyLedger,
      databaseMB: statSync(file).size / 1e6,
      load: [loadBefore, loadavg()[0] ?? 0],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Timing {
  wallSeconds: number;
  /** User + system CPU time of the command: what it costs, whatever else the machine is doing. */
  cpuSeconds: number;
}

/**
 * Wall and CPU time of one headless command (GNU time) as `npm run headless --` runs it (the built
 * host, the shipped flags), its output read and dropped; it must exit 0.
 */
function timeCommand(entry: string, args: string[]): Promise<Timing> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(
      '/usr/bin/time',
      ['-f', 'cpu %U %S', process.execPath, ...CORE_RUNTIME_FLAGS, entry, ...args],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stdout.resume();
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.once('error', fail);
    child.once('close', (code) => {
      const cpu = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
      if (code !== 0 || cpu === null) fail(new Error(`${args[0]} exited with ${code}: ${stderr}`));
      else
        done({
          wallSeconds: (performance.now() - started) / 1000,
          cpuSeconds: Number(cpu[1]) + Number(cpu[2]),
        });
    });
  });
}

export function renderProof(figures: ProofFigures): string {
  const n = (value: number) => value.toLocaleString('en');
  const row = (what: string, t: Timing, aim: number) => {
    const verdict =
      t.wallSeconds < aim
        ? 'met'
        : t.cpuSeconds < aim
          ? 'met in CPU time; wall time stretched by the load'
          : 'NOT met';
    return `| ${what} | ${t.wallSeconds.toFixed(2)} s | ${t.cpuSeconds.toFixed(2)} s | under ${aim} s: ${verdict} |`;
  };
  return [
    '## Proof of archive',
    '',
    `A database of ${n(figures.recordings)} verified recordings and ${n(figures.ledgerEntries)} ledger entries ` +
      `(${figures.databaseMB.toFixed(0)} MB); each command run whole, as \`npm run headless --\` runs it: the built host, start-up included. ` +
      `Load average ${figures.load[0].toFixed(1)} before, ${figures.load[1].toFixed(1)} after.`,
    '',
    '| command | wall time | CPU time | aim |',
    '|---|---|---|---|',
    row(`\`report --format csv\` over ${n(figures.recordings)} recordings`, figures.report, 2),
    row(`\`verify-ledger\` over ${n(figures.ledgerEntries)} entries`, figures.verifyLedger, 10),
    '',
    '',
  ].join('\n');
}
