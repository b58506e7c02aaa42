import { describe, expect, it } from 'vitest';
import type { UploadItem } from '../../src-main/core/destinations/destination.ts';
import { quoteQuery } from '../../src-main/core/destinations/gdrive/drive-api.ts';
import { recordingProperties } from '../../src-main/core/destinations/gdrive/drive-destination.ts';
import { rangeEnd } from '../../src-main/core/destinations/range-header.ts';
import { parseQuery } from '../peers/drive-peer-query.ts';

const item = (recordingId: string): UploadItem => ({
  jobId: 1,
  path: '/rec/a.mp4',
  fileName: 'a.mp4',
  sizeBytes: 10,
  mtimeMs: 1_729_930_000_123.7,
  recordingId,
  sidecar: null,
});

describe('what marks a Drive file as a recording’s', () => {
  it('carries the recording id, its role and the modification time', () => {
    expect(recordingProperties(item('sess-1'), 'recording')).toEqual({
      recordingId: 'sess-1',
      recordingRole: 'recording',
      recordingModified: '1729930000123',
    });
  });

  it('stores an id too long for Drive’s 124-byte property as its sha256, the same every time', () => {
    const long = 'x'.repeat(200);
    const once = recordingProperties(item(long), 'recording');
    expect(once.recordingId).toMatch(/^sha256-[0-9a-f]{64}$/);
    expect(Buffer.byteLength(`recordingId${once.recordingId}`)).toBeLessThanOrEqual(124);
    expect(recordingProperties(item(long), 'metadata').recordingId).toBe(once.recordingId);
    // Multi-byte characters count as bytes, not characters.
    expect(recordingProperties(item('é'.repeat(60)), 'recording').recordingId).toMatch(/^sha256-/);
  });
});

describe('Drive query strings', () => {
  it('escape quotes and backslashes so any name is matched exactly', () => {
    const names = ["O'Brien", 'back\\slash', "both \\' mixed", 'plain'];
    for (const name of names) {
      const matches = parseQuery(`name = ${quoteQuery(name)}`);
      const file = { name, mimeType: '', parents: [], trashed: false, appProperties: {} };
      expect(matches(file), name).toBe(true);
      expect(matches({ ...file, name: `${name}x` }), name).toBe(false);
    }
  });
});

describe('the Range of a 308', () => {
  it('says how many bytes Drive holds, none without the header, and refuses what it cannot read', () => {
    expect(rangeEnd('bytes=0-262143')).toBe(262_144);
    expect(rangeEnd(null)).toBe(0);
    expect(() => rangeEnd('bytes=5-10')).toThrow(/unreadable Range header "bytes=5-10"/);
  });
});
