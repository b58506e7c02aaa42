import { describe, expect, it } from 'vitest';
import { applySettings, defaultSettings } from '../../src-shared/settings.ts';

describe('settings validation', () => {
  it('fills every default', () => {
    const settings = defaultSettings();
    expect(settings.settleSeconds).toBe(30);
    expect(settings.maxConcurrentUploads).toBe(2);
    expect(settings.chunkSizeBytes).toBe(10 * 1024 * 1024);
    expect(settings.maxRetries).toBe(3);
    expect(settings.deleteAfterUpload).toBe(false);
  });

  it('names an unknown setting', () => {
    const result = applySettings({}, { maxConcurrentUpload: 3 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.join('\n')).toContain('"maxConcurrentUpload"');
  });

  it('names a setting of the wrong type', () => {
    const result = applySettings({}, { maxRetries: 'three' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.join('\n')).toMatch(/setting "maxRetries"/);
  });

  it('rejects a storage API URL that is not http(s)', () => {
    expect(applySettings({}, { storageApiBaseUrl: 'ftp://x' }).ok).toBe(false);
    expect(applySettings({}, { storageApiBaseUrl: 'https://storage.example/api' }).ok).toBe(true);
  });
});
