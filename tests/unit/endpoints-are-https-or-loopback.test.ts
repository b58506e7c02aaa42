import { describe, expect, it } from 'vitest';
import { createSessionAnswer } from '../../src-main/core/destinations/storage-api/storage-api-schemas.ts';
import { ENDPOINT_SETTINGS } from '../../src-shared/endpoints.ts';
import { applySettings } from '../../src-shared/settings.ts';

describe('every endpoint setting is https, loopback, or a plain-http origin the policy allows', () => {
  it.each(ENDPOINT_SETTINGS)('%s refuses plain http to another machine, and other schemes', (name) => {
    for (const url of [
      'http://storage.company.lan/api',
      'file:///etc/passwd',
      'smb://server/share',
      'ftp://x/y',
    ]) {
      const result = applySettings({}, { [name]: url });
      expect(result.ok, url).toBe(false);
      if (!result.ok) expect(result.problems.join('\n')).toContain(`setting "${name}"`);
    }
    expect(applySettings({}, { [name]: 'https://company.example/api' }).ok).toBe(true);
  });

  it.each(ENDPOINT_SETTINGS.filter((name) => name !== 'oneDriveAuthorityHost'))(
    '%s takes http on this machine, and at an origin the policy allows',
    (name) => {
      for (const url of ['http://127.0.0.1:8080/api', 'http://localhost:8080/api', 'http://[::1]:8080/api']) {
        expect(applySettings({}, { [name]: url }).ok, url).toBe(true);
      }
      const rules = { plainHttpOrigins: ['http://storage.test.lan:8080'] };
      expect(applySettings({}, { [name]: 'http://storage.test.lan:8080/api' }, rules).ok).toBe(true);
      expect(applySettings({}, { [name]: 'http://storage.test.lan:8081/api' }, rules).ok).toBe(false);
    },
  );

  it('refuses an upload URL of another scheme named by the storage API', () => {
    for (const url of ['file:///C:/Windows/win.ini', 'smb://evil/share/x']) {
      expect(createSessionAnswer.safeParse({ session_id: 's', video_upload_url: url }).success).toBe(false);
      expect(createSessionAnswer.safeParse({ session_id: 's', metadata_upload_url: url }).success).toBe(
        false,
      );
    }
  });
});

describe('only video file types are recordings', () => {
  it('refuses documents and other files as recording types, naming the setting', () => {
    for (const extension of ['docx', 'pdf', 'xlsx', 'txt', 'jpg', 'zip']) {
      const result = applySettings({}, { videoExtensions: ['mp4', extension] });
      expect(result.ok, extension).toBe(false);
      if (!result.ok) expect(result.problems.join('\n')).toContain('setting "videoExtensions.1"');
    }
    expect(applySettings({}, { videoExtensions: ['MP4', 'mkv', 'ts', 'mpeg'] }).ok).toBe(true);
  });
});
