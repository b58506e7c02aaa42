import { describe, expect, it } from 'vitest';
import {
  changesOf,
  FORM_FIELDS,
  FORM_SETTINGS,
  fieldValueOf,
  MANAGED_SETTINGS,
  parseField,
} from '../../src-renderer/state/settings-form.ts';
import { applySettings, defaultSettings, SETTING_NAMES, type Settings } from '../../src-shared/settings.ts';

const MiB = 1024 * 1024;

describe('the settings form', () => {
  it('has a field or its own control for every setting of the core', () => {
    expect([...FORM_SETTINGS, ...MANAGED_SETTINGS].sort()).toEqual([...SETTING_NAMES].sort());
  });

  it('shows every default in its field and reads it back unchanged', () => {
    const settings = defaultSettings();
    const edits = Object.fromEntries(FORM_SETTINGS.map((name) => [name, fieldValueOf(name, settings)]));
    expect(changesOf(settings, edits)).toEqual({ patch: {}, issues: {} });
  });

  it('turns typed text into the values the core stores', () => {
    expect(parseField('settleSeconds', ' 45 ')).toEqual({ ok: true, value: 45 });
    expect(parseField('chunkSizeBytes', '2,5')).toEqual({ ok: true, value: 2.5 * MiB });
    expect(parseField('videoExtensions', '.MP4, mkv;webm  avi')).toEqual({
      ok: true,
      value: ['MP4', 'mkv', 'webm', 'avi'],
    });
    expect(parseField('deleteAfterUpload', true)).toEqual({ ok: true, value: true });
    expect(parseField('storageApiBaseUrl', '')).toEqual({ ok: true, value: '' });
    expect(fieldValueOf('chunkSizeBytes', { ...defaultSettings(), chunkSizeBytes: 10 * MiB })).toBe('10');
    // The disk warning is typed in GiB and stored in bytes.
    expect(fieldValueOf('diskWarnBelowBytes', defaultSettings())).toBe('2');
    expect(parseField('diskWarnBelowBytes', '12,5')).toEqual({ ok: true, value: 12.5 * 1024 * MiB });
    expect(parseField('diskWarnBelowBytes', '0')).toEqual({ ok: true, value: 0 });
    expect(parseField('diskWarnBelowBytes', '2000')).toEqual({
      ok: false,
      issue: { code: 'too-big', limit: 1024 },
    });
  });

  it('reads the upload speed limit as the core does, naming the entry at fault', () => {
    expect(parseField('uploadRateLimit', ' Mon-08:00,2M Mon-18:00,off ')).toEqual({
      ok: true,
      value: 'Mon-08:00,2M Mon-18:00,off',
    });
    expect(parseField('uploadRateLimit', 'Mon-08:00,2M Fun-18:00,off')).toEqual({
      ok: false,
      issue: { code: 'rate-limit', problem: expect.stringContaining('entry "Fun-18:00,off"') },
    });
  });

  it('refuses what the core would refuse, saying why in terms the dictionary words', () => {
    expect(parseField('settleSeconds', '')).toEqual({ ok: false, issue: { code: 'required' } });
    expect(parseField('settleSeconds', 'soon')).toEqual({ ok: false, issue: { code: 'number' } });
    expect(parseField('settleSeconds', '1.5')).toEqual({ ok: false, issue: { code: 'whole-number' } });
    expect(parseField('maxConcurrentUploads', '40')).toEqual({
      ok: false,
      issue: { code: 'too-big', limit: 16 },
    });
    expect(parseField('maxConcurrentUploads', '0')).toEqual({
      ok: false,
      issue: { code: 'too-small', limit: 1 },
    });
    expect(parseField('chunkSizeBytes', '0.1')).toEqual({
      ok: false,
      issue: { code: 'too-small', limit: 0.25 },
    });
    expect(parseField('googleDriveChunkSizeBytes', '0.3')).toEqual({
      ok: false,
      issue: { code: 'not-multiple', limit: 0.25 },
    });
    expect(parseField('storageApiBaseUrl', 'storage.example.com')).toEqual({
      ok: false,
      issue: { code: 'url' },
    });
    expect(parseField('oneDriveAuthorityHost', 'http://login.example.com')).toEqual({
      ok: false,
      issue: { code: 'https-url' },
    });
    expect(parseField('videoExtensions', 'mp4, m-kv')).toEqual({ ok: false, issue: { code: 'extension' } });
    expect(parseField('videoExtensions', ' , ')).toEqual({ ok: false, issue: { code: 'required' } });
    expect(parseField('videoExtensions', 'mp4, docx')).toEqual({
      ok: false,
      issue: { code: 'video-extension' },
    });
    expect(parseField('storageApiBaseUrl', 'http://storage.lan/api')).toEqual({
      ok: false,
      issue: { code: 'plain-http' },
    });
    expect(parseField('graphBaseUrl', 'file:///etc/passwd')).toEqual({
      ok: false,
      issue: { code: 'plain-http' },
    });
    expect(parseField('oneDriveTenant', ' ')).toEqual({ ok: false, issue: { code: 'required' } });
    expect(parseField('remoteSubfolderTemplate', 'x'.repeat(401))).toEqual({
      ok: false,
      issue: { code: 'too-long', limit: 400 },
    });
    expect(parseField('language', 'fr')).toEqual({ ok: false, issue: { code: 'choice' } });
  });

  it('sends only what changed, and a patch the core accepts', () => {
    const settings = defaultSettings();
    const { patch, issues } = changesOf(settings, {
      settleSeconds: '30',
      maxRetries: '5',
      language: 'pt-BR',
      deleteAfterUpload: true,
      maxFileAgeDays: 'x',
    });
    expect(patch).toEqual({ maxRetries: 5, language: 'pt-BR', deleteAfterUpload: true });
    expect(issues).toEqual({ maxFileAgeDays: { code: 'number' } });
    expect(applySettings(settings, patch).ok).toBe(true);
  });

  it('offers exactly the options the core allows in each choice', () => {
    const settings = defaultSettings();
    for (const name of FORM_SETTINGS) {
      const spec = FORM_FIELDS[name];
      if (spec.kind !== 'select') continue;
      for (const option of spec.options) {
        expect(applySettings(settings, { [name]: option } as Partial<Settings>).ok, `${name}=${option}`).toBe(
          true,
        );
      }
      expect(applySettings(settings, { [name]: 'none-of-these' }).ok).toBe(false);
    }
  });
});
