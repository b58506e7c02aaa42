import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src-main/core/logging/file-logger.ts';

const jwt =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJvcGVyYXRvciIsImF1ZCI6InVwbG9hZGVyIn0.c2lnbmF0dXJlLWJ5dGVz';

describe('log redaction', () => {
  it('keeps the Bearer scheme and removes the token', () => {
    expect(redactSecrets('Authorization: Bearer abc.DEF-123_~+/x==')).toBe(
      'Authorization: Bearer [redacted]',
    );
    expect(redactSecrets('sent bearer s3cr3t-token to https://storage.example')).toBe(
      'sent bearer [redacted] to https://storage.example',
    );
    expect(redactSecrets('{"Authorization":"Bearer s3cr3t"}')).toBe('{"Authorization":"Bearer [redacted]"}');
  });

  it('removes other authorization schemes', () => {
    expect(redactSecrets('authorization: Basic dXNlcjpwYXNz')).toBe('authorization: [redacted]');
    expect(redactSecrets('{"authorization":"Basic dXNlcjpwYXNz","x":1}')).toBe(
      '{"authorization":"[redacted]","x":1}',
    );
  });

  it('removes credentials from query strings and form bodies', () => {
    expect(redactSecrets('GET /cb?access_token=at-123&state=xyz')).toBe(
      'GET /cb?access_token=[redacted]&state=xyz',
    );
    expect(redactSecrets('grant_type=refresh_token&refresh_token=1//rt-456&client_id=app')).toBe(
      'grant_type=refresh_token&refresh_token=[redacted]&client_id=app',
    );
    expect(redactSecrets('api_token=tok-789 rejected')).toBe('api_token=[redacted] rejected');
    expect(redactSecrets('client_secret=GOCSPX-abc&code_verifier=v3r1f13r')).toBe(
      'client_secret=[redacted]&code_verifier=[redacted]',
    );
  });

  it('removes credentials from JSON text, plain and escaped', () => {
    expect(redactSecrets('body: {"token":"tk-1","user":"op"}')).toBe(
      'body: {"token":"[redacted]","user":"op"}',
    );
    expect(redactSecrets('{"access_token" : "a\\"b", "expires_in": 3599}')).toBe(
      '{"access_token" : "[redacted]", "expires_in": 3599}',
    );
    expect(redactSecrets('{"refreshToken":"rt","secret":"cached-at"}')).toBe(
      '{"refreshToken":"[redacted]","secret":"[redacted]"}',
    );
    expect(redactSecrets('"error body": "{\\"api_token\\":\\"tk-2\\",\\"ok\\":false}"')).toBe(
      '"error body": "{\\"api_token\\":\\"[redacted]\\",\\"ok\\":false}"',
    );
  });

  it('removes capability URLs and tokens known by their shape', () => {
    expect(redactSecrets('PUT https://my.sharepoint.example/_api/upload?guid=1&tempauth=v1.abc.def')).toBe(
      'PUT https://my.sharepoint.example/_api/upload?guid=1&tempauth=[redacted]',
    );
    expect(
      redactSecrets('session https://www.googleapis.com/upload/drive/v3/files?upload_id=ADPycd-x1'),
    ).toBe('session https://www.googleapis.com/upload/drive/v3/files?upload_id=[redacted]');
    expect(redactSecrets(`id token ${jwt} received`)).toBe('id token [redacted] received');
    expect(redactSecrets('token ya29.a0AfB_byC-example-access-token expired')).toBe(
      'token [redacted] expired',
    );
    expect(redactSecrets('refresh_token: 1//0gExampleRefreshToken-abcdef done')).toBe(
      'refresh_token: [redacted] done',
    );
  });

  it('leaves ordinary text alone', () => {
    const ordinary = [
      'API token: stored in the keychain',
      'uploaded session_123_ServerName_20241026_150000.mp4 (15728640 bytes) to /recordings',
      'Basic settings imported from config.json',
      'GET /uploads/upload_session_xyz789/status?page=2&limit=50 → 200',
      'retrying after 429, Retry-After 30 s (attempt 2 of 3)',
      'the token expired; waiting for the operator to reconnect OneDrive',
    ];
    for (const line of ordinary) expect(redactSecrets(line)).toBe(line);
  });
});
