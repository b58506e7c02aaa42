import { describe, expect, it } from 'vitest';
import {
  isNameOrRename,
  MAX_PATH,
  oneDriveName,
  oneDriveNameIn,
} from '../../src-main/core/destinations/onedrive/onedrive-names.ts';

describe('OneDrive names', () => {
  it('keeps a name that is already valid', () => {
    expect(oneDriveName('session 2024-10-26 09.15.mp4')).toBe('session 2024-10-26 09.15.mp4');
    expect(oneDriveName('Zürich – ops.mkv')).toBe('Zürich – ops.mkv');
  });

  it.each([
    ['a"b*c:d<e>f?g\\h|i.mp4', 'a_b_c_d_e_f_g_h_i.mp4'],
    ['tab\there.mp4', 'tab_here.mp4'],
    ['  leading.mp4', 'leading.mp4'],
    ['trailing.mp4  ', 'trailing.mp4'],
    ['dots...', 'dots'],
    ['CON', '_CON'],
    ['con.mp4', '_con.mp4'],
    ['LPT9.json', '_LPT9.json'],
    ['COM0', '_COM0'],
    ['desktop.ini', '_desktop.ini'],
    ['.lock', '_.lock'],
    ['~$draft.mp4', '_draft.mp4'],
    ['x_vti_y.mp4', 'x_vti-y.mp4'],
    ['   ', 'unnamed'],
    ['...', 'unnamed'],
  ])('%j becomes %j', (input, expected) => {
    expect(oneDriveName(input)).toBe(expected);
  });

  it('does not treat names that merely start like a reserved one as reserved', () => {
    expect(oneDriveName('CONSOLE.mp4')).toBe('CONSOLE.mp4');
    expect(oneDriveName('auxiliary.mp4')).toBe('auxiliary.mp4');
  });

  it('shortens a long name to 255 characters, keeping its extension', () => {
    const name = oneDriveName(`${'a'.repeat(300)}.mp4`);
    expect(name).toHaveLength(255);
    expect(name.endsWith('.mp4')).toBe(true);
  });

  it('keeps the whole path under 400 characters', () => {
    const folder = `/${'f'.repeat(200)}/${'g'.repeat(150)}`;
    const name = oneDriveNameIn(folder, `${'r'.repeat(120)}.mp4`);
    expect(`${folder}/${name}`.length).toBeLessThanOrEqual(MAX_PATH);
    expect(name.endsWith('.mp4')).toBe(true);
    expect(name.startsWith('rrrr')).toBe(true);
  });

  it('never leaves a trailing dot or space after shortening', () => {
    const name = oneDriveName(`${'a'.repeat(250)}. . .${'b'.repeat(10)}.mp4`, 256);
    expect(name).not.toMatch(/[ .]\.mp4$/);
    expect(oneDriveName(`${'a'.repeat(10)} .x`, 11)).toBe('aaaaaaaaa.x');
  });
});

describe('the names a OneDrive conflict rename gives', () => {
  it('are the name itself or "stem N.ext", whatever the case, and nothing else', () => {
    expect(isNameOrRename('rec.mp4', 'rec.mp4')).toBe(true);
    expect(isNameOrRename('rec 1.mp4', 'rec.mp4')).toBe(true);
    expect(isNameOrRename('REC 12.MP4', 'rec.mp4')).toBe(true);
    expect(isNameOrRename('rec 0.mp4', 'rec.mp4')).toBe(false);
    expect(isNameOrRename('rec 1 (copy).mp4', 'rec.mp4')).toBe(false);
    expect(isNameOrRename('rec1.mp4', 'rec.mp4')).toBe(false);
    expect(isNameOrRename('rec 1.mkv', 'rec.mp4')).toBe(false);
    expect(isNameOrRename('other 1.mp4', 'rec.mp4')).toBe(false);
    expect(isNameOrRename('notes 2', 'notes')).toBe(true);
  });
});
