import { describe, expect, it } from 'vitest';
import {
  expandTemplate,
  recordingStart,
  unknownDateLikeFields,
} from '../../src-main/core/destinations/remote-subfolder-template.ts';

const started = new Date(2024, 9, 26, 15, 0, 22).getTime();

describe('remote subfolder template', () => {
  it('expands date fields in local time', () => {
    expect(expandTemplate('{yyyy}/{MM}/{dd}', { startedAt: started, sidecar: null })).toEqual([
      '2024',
      '10',
      '26',
    ]);
    expect(expandTemplate('{yyyy}-{MM}-{dd} {HH}h{mm}', { startedAt: started, sidecar: null })).toEqual([
      '2024-10-26 15h00',
    ]);
  });

  it('takes fields from the sidecar, connection.* also from connection_info', () => {
    const sidecar = { connection_info: { name: 'Production Server', con_codigo: 123 } };
    expect(expandTemplate('{connection.name}/{yyyy}-{MM}', { startedAt: started, sidecar })).toEqual([
      'Production Server',
      '2024-10',
    ]);
    expect(expandTemplate('{connection_info.con_codigo}', { startedAt: started, sidecar })).toEqual(['123']);
  });

  it('never holds a recording back: a missing field becomes "unknown", empty segments vanish', () => {
    expect(expandTemplate('{connection.name}//{nope}', { startedAt: started, sidecar: null })).toEqual([
      'unknown',
      'unknown',
    ]);
    expect(expandTemplate('', { startedAt: started, sidecar: null })).toEqual([]);
  });

  it('cleans every segment with the destination rule', () => {
    const sidecar = { connection_info: { name: 'a:b' } };
    expect(
      expandTemplate('{connection.name}', { startedAt: started, sidecar }, (s) => s.replaceAll(':', '_')),
    ).toEqual(['a_b']);
  });

  it('reads the start time from the sidecar, else falls back', () => {
    expect(recordingStart({ start_time: '2024-10-26T15:00:22.123456' }, 0)).toBe(
      new Date(2024, 9, 26, 15, 0, 22, 123).getTime(),
    );
    expect(recordingStart({ start_time: 'soon' }, 42)).toBe(42);
    expect(recordingStart(null, 42)).toBe(42);
  });

  it('names date-like fields it does not know', () => {
    expect(unknownDateLikeFields('{yyyy}/{YY}/{M}')).toEqual(['YY', 'M']);
  });
});
