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

describe('log redaction, what it once missed', () => {
  const hex = 'f3a9c41d7be2058e96d1a4c3b7e08f52d6a9c1e4b7f0a3d6c9e2b5f8a1d4c7e0';

  it('removes a bare long hex token, but keeps a hash labelled as one', () => {
    expect(redactSecrets(`token ${hex} was refused`)).toBe('token [redacted] was refused');
    expect(redactSecrets(`API key tok_${hex.slice(0, 32)} rejected`)).toBe('API key tok_[redacted] rejected');
    expect(redactSecrets(`the remote sha256 ${hex} differs`)).toBe(`the remote sha256 ${hex} differs`);
    expect(redactSecrets(`{"sha256":"${hex}"}`)).toBe(`{"sha256":"${hex}"}`);
    const mismatch = `stored a.mp4 with md5 ${hex.slice(0, 32)}, but the local file's md5 is ${hex.slice(32)}`;
    expect(redactSecrets(mismatch)).toBe(mismatch);
    expect(redactSecrets(`the token is ${hex}`)).toBe('the token is [redacted]');
    expect(redactSecrets('job 4f2a9c1d ok')).toBe('job 4f2a9c1d ok');
  });

  it('removes an x-api-key header', () => {
    expect(redactSecrets('x-api-key: k-12345-abcdef sent')).toBe('x-api-key: [redacted] sent');
    expect(redactSecrets('{"X-Api-Key":"k-12345","accept":"json"}')).toBe(
      '{"X-Api-Key":"[redacted]","accept":"json"}',
    );
  });

  it('removes cookies, whole', () => {
    expect(redactSecrets('Cookie: session=abc123; csrftoken=xyz')).toBe('Cookie: [redacted]');
    expect(redactSecrets('set-cookie: sid=s%3Aabc; Path=/; HttpOnly')).toBe('set-cookie: [redacted]');
  });

  it('removes the password of a URL, keeping the user and the host', () => {
    expect(redactSecrets('proxy http://operator:Pa55w0rd!@proxy.corp:8080 refused')).toBe(
      'proxy http://operator:[redacted]@proxy.corp:8080 refused',
    );
    expect(redactSecrets('https://storage.example/api/health')).toBe('https://storage.example/api/health');
  });

  it('removes Microsoft consumer access and refresh tokens', () => {
    expect(redactSecrets('token EwBwA8l6BAAUO9chh8cJscQLmU+LSWpbnr0vmwwAAQ== expired')).toBe(
      'token [redacted] expired',
    );
    expect(redactSecrets('refresh M.C507_BL2.0.U.-CgJ3!nR*x4aVc$ kept')).toBe('refresh [redacted] kept');
  });

  it('removes a Google authorization code', () => {
    expect(redactSecrets('code 4/0AVG7fiQ-example_Authorization-Code exchanged')).toBe(
      'code [redacted] exchanged',
    );
  });

  it('removes an Azure shared access signature', () => {
    expect(
      redactSecrets(
        'PUT https://acct.blob.core.windows.net/c/r.mp4?sv=2022-11-02&se=2026-01-01&sig=AbC%2Bd3fG%3D&sp=cw',
      ),
    ).toBe('PUT https://acct.blob.core.windows.net/c/r.mp4?sv=2022-11-02&se=2026-01-01&sig=[redacted]&sp=cw');
  });
});
