import { afterEach, describe, expect, it } from 'vitest';
import { csvHeader, REPORT_COLUMNS, type ReportRow } from '../../src-shared/report.ts';
import { runCli } from '../support/headless-cli.ts';
import { sha256, UploaderHarness } from '../support/uploader-harness.ts';

/** A small CSV reader for the report's own rules (RFC 4180 quoting). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += c;
  }
  return rows;
}

describe('report', () => {
  let harness: UploaderHarness | undefined;
  afterEach(async () => {
    await harness?.close();
  });

  it('has one row per recording, with the SHA-256 the server stored, as CSV and JSON', {
    timeout: 30_000,
  }, async () => {
    const h = await UploaderHarness.start({ settings: { maxRetries: 0 } });
    harness = h;
    const names = ['a.mp4', 'b, "quoted".mp4', 'c.mp4'];
    for (const name of names) await h.writeRecording(name, 200_000 + name.length);
    await h.waitForStates(names, ['done']);
    h.peer.faults.serverErrors(1, 400, ['create'], 'file name refused');
    await h.writeRecording('refused.mp4', 1000);
    await h.waitForStates(['refused.mp4'], ['failed']);

    const csv = await runCli(['report', '--data-dir', h.dataDir, '--format', 'csv']);
    expect(csv.stderr).toBe('');
    expect(csv.code).toBe(0);
    expect(csv.stdout.startsWith(csvHeader())).toBe(true);
    const [header, ...rows] = parseCsv(csv.stdout);
    expect(header).toEqual([...REPORT_COLUMNS]);
    const byName = new Map(rows.map((row) => [row[REPORT_COLUMNS.indexOf('fileName')], row]));
    expect(rows).toHaveLength(4);
    for (const name of names) {
      const row = byName.get(name) ?? [];
      const column = (c: (typeof REPORT_COLUMNS)[number]) => row[REPORT_COLUMNS.indexOf(c)];
      expect(column('sha256'), name).toBe(sha256(await h.stored(name)));
      expect(column('state'), name).toBe('done');
      expect(column('remoteId'), name).toBe(h.peer.recordings().find((r) => r.fileName === name)?.fileId);
      expect(column('destination')).toBe('storage-api');
      expect(column('verifiedAt')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    }
    const refused = byName.get('refused.mp4') ?? [];
    expect(refused[REPORT_COLUMNS.indexOf('state')]).toBe('failed');
    expect(refused[REPORT_COLUMNS.indexOf('reason')]).toContain('file name refused');
    expect(refused[REPORT_COLUMNS.indexOf('sha256')]).toBe('');

    const json = await runCli(['report', '--data-dir', h.dataDir, '--format', 'json']);
    const parsed = JSON.parse(json.stdout) as ReportRow[];
    expect(parsed.map((row) => row.fileName).sort()).toEqual([...names, 'refused.mp4'].sort());
    expect(parsed.find((row) => row.fileName === 'a.mp4')?.sha256).toBe(sha256(await h.stored('a.mp4')));

    const today = new Date().toISOString().slice(0, 10);
    const inPeriod = await runCli([
      'report',
      '--data-dir',
      h.dataDir,
      '--from',
      today,
      '--to',
      today,
      '--format',
      'json',
    ]);
    expect(JSON.parse(inPeriod.stdout)).toHaveLength(4);
    const before = await runCli([
      'report',
      '--data-dir',
      h.dataDir,
      '--to',
      '2020-01-01',
      '--format',
      'json',
    ]);
    expect(JSON.parse(before.stdout)).toEqual([]);
    const bad = await runCli(['report', '--data-dir', h.dataDir, '--from', '2024-02-30']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"2024-02-30" is not a date');
  });
});
