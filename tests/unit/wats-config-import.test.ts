import { describe, expect, it } from 'vitest';
import { parseWatsConfig } from '../../src-main/headless/wats-config.ts';
import { applySettings } from '../../src-shared/settings.ts';

const source = '/opt/wats/config.json';

const fullConfig = {
  recording: { output_dir: '/var/recordings', fps: 10, codec: 'h264' },
  api: {
    enabled: true,
    auto_upload: true,
    base_url: 'https://storage.company.example/api/',
    api_token: 'tok-0123456789abcdef',
    max_concurrent_uploads: 3,
    max_retries: 5,
    delete_after_upload: true,
    upload_older_recordings: false,
    max_file_age_days: 14,
    upload_timeout: 600,
    chunk_upload: true,
  },
  ui: { theme: 'dark' },
};

describe('importing the recording system config.json', () => {
  it('maps every known key onto settings and hands the token back separately', () => {
    const imported = parseWatsConfig(fullConfig, source);
    expect(imported.settings).toEqual({
      activeDestination: 'storage-api',
      recordingsFolder: '/var/recordings',
      storageApiBaseUrl: 'https://storage.company.example/api',
      maxConcurrentUploads: 3,
      maxRetries: 5,
      deleteAfterUpload: true,
      uploadOlderRecordings: false,
      maxFileAgeDays: 14,
      requestTimeoutSeconds: 600,
    });
    expect(imported.token).toBe('tok-0123456789abcdef');
    expect(applySettings({}, imported.settings).ok).toBe(true);
  });

  it('describes the import without ever showing the token', () => {
    const { notes } = parseWatsConfig(fullConfig, source);
    expect(notes).toContain('API token: stored in the keychain');
    expect(notes).toContain('recordings folder: /var/recordings');
    expect(notes).toContain('uploads at once: 3');
    expect(notes).toContain('request time-out: 600 seconds');
    expect(notes).toContain('delete recordings after upload: yes');
    expect(notes.join('\n')).not.toContain('tok-0123456789abcdef');
  });

  it('pauses uploads when the file has uploads switched off', () => {
    const disabled = parseWatsConfig({ api: { enabled: false } }, source);
    expect(disabled.settings.uploadsPaused).toBe(true);
    expect(disabled.notes.join('\n')).toMatch(/uploads paused, because api\.enabled is false/);

    const manual = parseWatsConfig({ api: { enabled: true, auto_upload: false } }, source);
    expect(manual.settings.uploadsPaused).toBe(true);
    expect(manual.notes.join('\n')).toMatch(/api\.auto_upload is false/);

    expect(
      parseWatsConfig({ api: { enabled: true, auto_upload: true } }, source).settings,
    ).not.toHaveProperty('uploadsPaused');
  });

  it('imports a near-empty file as just the destination, with no token', () => {
    const imported = parseWatsConfig({ api: { api_token: '', base_url: null } }, source);
    expect(imported.settings).toEqual({ activeDestination: 'storage-api' });
    expect(imported.token).toBeNull();
    expect(imported.notes).toContain('API token: none in the file');
  });

  it('resolves a relative recordings folder against the folder of config.json, and ~ against home', () => {
    const relative = parseWatsConfig({ recording: { output_dir: 'recordings' } }, source, '/home/op');
    expect(relative.settings.recordingsFolder).toBe('/opt/wats/recordings');
    expect(relative.notes.join('\n')).toContain('(from "recordings", relative to /opt/wats/config.json)');

    const home = parseWatsConfig({ recording: { output_dir: '~/rdp' } }, source, '/home/op');
    expect(home.settings.recordingsFolder).toBe('/home/op/rdp');
  });

  it('brings numbers outside what the uploader allows within range and says so', () => {
    const imported = parseWatsConfig({ api: { max_concurrent_uploads: 40, upload_timeout: 2.5 } }, source);
    expect(imported.settings.maxConcurrentUploads).toBe(16);
    expect(imported.settings.requestTimeoutSeconds).toBe(5);
    expect(imported.notes).toContain(
      'uploads at once: 16 (api.max_concurrent_uploads is 40; this uploader allows 1 to 16)',
    );
    expect(applySettings({}, imported.settings).ok).toBe(true);
  });

  it('names the key and the file for a value of the wrong type', () => {
    expect(() => parseWatsConfig({ api: { max_retries: 'x' } }, 'config.json')).toThrow(
      'config.json: api.max_retries must be a whole number, got "x"',
    );
    expect(() => parseWatsConfig({ api: { max_retries: 2.5 } }, source)).toThrow(
      `${source}: api.max_retries must be a whole number, got 2.5`,
    );
    expect(() => parseWatsConfig({ api: { delete_after_upload: 'yes' } }, source)).toThrow(
      `${source}: api.delete_after_upload must be true or false, got "yes"`,
    );
    expect(() => parseWatsConfig({ api: { upload_timeout: '300' } }, source)).toThrow(
      `${source}: api.upload_timeout must be a number of seconds above 0, got "300"`,
    );
    expect(() => parseWatsConfig({ recording: { output_dir: 7 } }, source)).toThrow(
      `${source}: recording.output_dir must be text, got 7`,
    );
    expect(() => parseWatsConfig({ api: [] }, source)).toThrow(
      `${source}: api must be a JSON object, got []`,
    );
    expect(() => parseWatsConfig('not an object', source)).toThrow(
      `${source}: the file must be a JSON object`,
    );
  });

  it('names a wrongly typed token by its type only', () => {
    expect(() => parseWatsConfig({ api: { api_token: 123456789 } }, source)).toThrow(
      `${source}: api.api_token must be text, got a number`,
    );
  });

  it('rejects a storage API address that is not http(s)', () => {
    expect(() => parseWatsConfig({ api: { base_url: 'ftp://storage.example' } }, source)).toThrow(
      `${source}: api.base_url is not accepted (uses the ftp scheme: only https is allowed), got "ftp://storage.example"`,
    );
  });

  it('rejects a plain-http storage API on another machine, unless the policy allows its origin', () => {
    const config = { api: { base_url: 'http://storage.lan:8000/api' } };
    expect(() => parseWatsConfig(config, source)).toThrow(/api\.base_url is not accepted \(is plain http/);
    const imported = parseWatsConfig(config, source, undefined, {
      plainHttpOrigins: ['http://storage.lan:8000'],
    });
    expect(imported.settings.storageApiBaseUrl).toBe('http://storage.lan:8000/api');
  });
});
