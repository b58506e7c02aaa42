import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src-main/core/store/database.ts';
import { canonicalForm, entryHash, type LedgerRow } from '../../src-main/core/store/ledger.ts';
import { verifyLedger } from '../../src-main/core/store/ledger-verification.ts';
import { runCli } from '../support/headless-cli.ts';
import { dropLedgerGuards, ledgerRows } from '../support/ledger-rows.ts';
import { jobStoreOn, manualClock, recording, TempDatabase } from '../support/store-fixtures.ts';

/** Six recordings queued, claimed and finished: 6 × (found, queued, upload-started, verified). */
function fill(db: Database): void {
  const clock = manualClock();
  const store = jobStoreOn(db, clock);
  for (let i = 0; i < 6; i += 1) {
    const job = store.enqueue(recording({ path: `/rec/s${i} "quoted" \\ ñ 🎥\n.mp4` }), 'storage-api');
    if (job === null) throw new Error('not queued');
    clock.advance(1000);
    store.claimNext(['storage-api']);
    store.markDone(job.id, { id: `r${i}`, url: null, sha256: `${i}`.repeat(64) });
  }
}

const SQL_CANONICAL = `SELECT prev_hash || '[' || json_quote(seq) || ',' || json_quote(at) || ',' ||
  json_quote(event) || ',' || json_quote(recording_id) || ',' || json_quote(job_id) || ',' ||
  json_quote(file_name) || ',' || json_quote(size_bytes) || ',' || details || ']' FROM ledger ORDER BY seq`;

describe('verify-ledger', () => {
  let temp: TempDatabase;
  let db: Database;

  beforeEach(() => {
    temp = new TempDatabase();
    db = temp.open();
    fill(db);
    dropLedgerGuards(db);
  });
  afterEach(() => temp.remove());

  it('holds for a ledger as the uploader wrote it', () => {
    expect(verifyLedger(db)).toMatchObject({ holds: true, entries: 24 });
  });

  it('an auditor recomputes every hash from the columns with sqlite3 and SHA-256 alone', () => {
    const texts = db.prepare(SQL_CANONICAL).pluck().all() as string[];
    const rows = ledgerRows(db);
    texts.forEach((text, index) => {
      const row = rows[index] as LedgerRow;
      expect(text).toBe(`${row.prev_hash}${canonicalForm(row)}`);
      expect(sha256(text)).toBe(row.hash);
    });
  });

  it('names a changed entry', () => {
    db.prepare(
      `UPDATE ledger SET details = replace(details, 'r3', 'r9') WHERE event = 'verified' AND job_id = 4`,
    ).run();
    const seq = db.prepare(`SELECT seq FROM ledger WHERE event = 'verified' AND job_id = 4`).pluck().get();

    expect(verifyLedger(db)).toMatchObject({
      holds: false,
      seq,
      problem: expect.stringMatching(/was changed/),
    });
  });

  it('names a changed time, size or file name, whichever column it is', () => {
    for (const [column, value] of [
      ['at', '2020-01-01T00:00:00.000Z'],
      ['size_bytes', 1],
      ['file_name', 'other.mp4'],
      ['event', 'failed'],
    ] as const) {
      const copy = new TempDatabase();
      try {
        const other = copy.open();
        fill(other);
        dropLedgerGuards(other);
        other.prepare(`UPDATE ledger SET ${column} = ? WHERE seq = 10`).run(value);
        expect(verifyLedger(other), column).toMatchObject({ holds: false, seq: 10 });
      } finally {
        copy.remove();
      }
    }
  });

  it('names the entry after a deleted one', () => {
    db.prepare('DELETE FROM ledger WHERE seq = 7').run();

    expect(verifyLedger(db)).toMatchObject({
      holds: false,
      seq: 8,
      problem: expect.stringMatching(/entry 7 is missing/),
    });
  });

  it('names a row inserted at the end, and one inserted by renumbering the rest', () => {
    const head = ledgerRows(db).at(-1) as LedgerRow;
    db.prepare(
      `INSERT INTO ledger (seq, at, event, details, prev_hash, hash) VALUES (?, ?, 'verified', '{}', ?, ?)`,
    ).run(head.seq + 1, head.at, head.hash, 'f'.repeat(64));
    expect(verifyLedger(db)).toMatchObject({ holds: false, seq: head.seq + 1 });

    const copy = new TempDatabase();
    try {
      const other = copy.open();
      fill(other);
      dropLedgerGuards(other);
      // Make room after entry 5 and put a forged entry there, chained to entry 5 correctly.
      other.prepare('UPDATE ledger SET seq = seq + 1000 WHERE seq > 5').run();
      other.prepare('UPDATE ledger SET seq = seq - 999 WHERE seq > 1000').run();
      const five = ledgerRows(other)[4] as LedgerRow;
      const forged = {
        seq: 6,
        at: five.at,
        event: 'verified',
        recording_id: null,
        job_id: 99,
        file_name: 'forged.mp4',
        size_bytes: 1,
        details: '{}',
      };
      other
        .prepare(
          `INSERT INTO ledger (seq, at, event, recording_id, job_id, file_name, size_bytes, details, prev_hash, hash)
             VALUES (@seq, @at, @event, @recording_id, @job_id, @file_name, @size_bytes, @details, @prev_hash, @hash)`,
        )
        .run({ ...forged, prev_hash: five.hash, hash: entryHash(five.hash, canonicalForm(forged)) });
      // The forged entry holds on its own; the one after it (the old 6, now 7) no longer follows.
      expect(verifyLedger(other)).toMatchObject({ holds: false, seq: 7 });
    } finally {
      copy.remove();
    }
  });

  it('the headless command exits 0 for a sound ledger and 1 naming the entry for a changed one', async () => {
    temp.closeAll();
    const sound = await runCli(['verify-ledger', '--database', temp.file]);
    expect(sound.stdout).toContain('The ledger holds: 24 entries');
    expect(sound.code).toBe(0);

    const changed = temp.open();
    changed.prepare(`UPDATE ledger SET file_name = 'x.mp4' WHERE seq = 13`).run();
    temp.closeAll();
    const bad = await runCli(['verify-ledger', '--database', temp.file]);
    expect(bad.stdout).toMatch(/does NOT hold at entry 13:/);
    expect(bad.code).toBe(1);
  });

  it('a ledger rewritten and rehashed holds on its own, but not against a receipt that left the machine', async () => {
    const rows = ledgerRows(db);
    const verified = rows.find((row) => row.event === 'verified') as LedgerRow;
    const receiptFile = join(temp.dir, 'session.receipt.json');
    writeFileSync(receiptFile, JSON.stringify({ ledgerEntry: { seq: verified.seq, hash: verified.hash } }));
    const heartbeatFile = join(temp.dir, 'WS-01.json');
    const head = rows.at(-1) as LedgerRow;
    writeFileSync(heartbeatFile, JSON.stringify({ ledgerHead: { seq: head.seq, hash: head.hash } }));
    temp.closeAll();
    const agrees = await runCli(['verify-ledger', '--database', temp.file, receiptFile, heartbeatFile]);
    expect(agrees.stdout).toContain('All 2 receipts and heartbeats given agree with it.');
    expect(agrees.code).toBe(0);

    // Someone with the file changes the verified entry and rehashes every entry from there on.
    const forged = temp.open();
    let prev = (ledgerRows(forged)[verified.seq - 2] as LedgerRow).hash;
    for (const row of ledgerRows(forged).filter((r) => r.seq >= verified.seq)) {
      const details = row.seq === verified.seq ? row.details.replace('"r0"', '"forged"') : row.details;
      const hash = entryHash(prev, canonicalForm({ ...row, details }));
      forged
        .prepare('UPDATE ledger SET details = ?, prev_hash = ?, hash = ? WHERE seq = ?')
        .run(details, prev, hash, row.seq);
      prev = hash;
    }
    expect(verifyLedger(forged)).toMatchObject({ holds: true });
    temp.closeAll();
    const caught = await runCli(['verify-ledger', '--database', temp.file, receiptFile]);
    expect(caught.stdout).toContain(`DOES NOT AGREE: ${receiptFile} recorded entry ${verified.seq}`);
    expect(caught.stdout).toContain('the ledger was rewritten after that left the machine');
    expect(caught.code).toBe(1);
  });
});

function sha256(text: string): string {
  return entryHash('', text);
}
