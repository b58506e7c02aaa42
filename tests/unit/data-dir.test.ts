import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataPaths, defaultDataDir } from '../../src-main/node-host/data-dir.ts';

describe('data folder', () => {
  it('is %APPDATA%\\Recording Uploader on Windows', () => {
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\op\\AppData\\Roaming' }, 'C:\\Users\\op')).toBe(
      'C:\\Users\\op\\AppData\\Roaming\\Recording Uploader',
    );
    expect(defaultDataDir('win32', {}, 'C:\\Users\\op')).toBe(
      'C:\\Users\\op\\AppData\\Roaming\\Recording Uploader',
    );
  });

  it('is under Application Support on macOS', () => {
    expect(defaultDataDir('darwin', { XDG_CONFIG_HOME: '/ignored' }, '/Users/op')).toBe(
      '/Users/op/Library/Application Support/Recording Uploader',
    );
  });

  it('follows XDG_CONFIG_HOME on Linux and falls back to ~/.config', () => {
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/srv/op/config' }, '/home/op')).toBe(
      '/srv/op/config/Recording Uploader',
    );
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '' }, '/home/op')).toBe(
      '/home/op/.config/Recording Uploader',
    );
    expect(defaultDataDir('linux', {}, '/home/op')).toBe('/home/op/.config/Recording Uploader');
  });

  it('lays out the database, logs, secrets, lock and web UI address inside the data folder', () => {
    const dir = join('/data', 'Recording Uploader');
    expect(dataPaths(dir)).toEqual({
      database: join(dir, 'uploader.db'),
      logs: join(dir, 'logs'),
      secrets: join(dir, 'secrets'),
      lock: join(dir, 'uploader.lock'),
      webUi: join(dir, 'web-ui.json'),
    });
  });
});
