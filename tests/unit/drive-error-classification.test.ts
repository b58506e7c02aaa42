import { describe, expect, it } from 'vitest';
import { driveFault } from '../../src-main/core/destinations/gdrive/drive-fault.ts';

/** Drive's error body, as files.create or a chunk PUT returns it. */
function driveError(status: number, reason: string, headers: Record<string, string> = {}): Response {
  const body = {
    error: {
      code: status,
      message: `${reason} happened`,
      errors: [{ domain: 'usageLimits', reason, message: `${reason} happened` }],
    },
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

const classify = (response: Response, sessionUrl = false) =>
  driveFault(response, { what: 'Google Drive chunk', sessionUrl, now: 0 });

describe('Drive errors as the retry policy sees them', () => {
  it('403 rate limits are Drive pacing the uploader, never taken for lost credentials', async () => {
    for (const reason of ['rateLimitExceeded', 'userRateLimitExceeded', 'sharingRateLimitExceeded']) {
      const fault = await classify(driveError(403, reason));
      expect(fault.kind, reason).toBe('throttled');
      expect(fault.message).toContain(`${reason} happened`);
    }
    const later = await classify(driveError(403, 'userRateLimitExceeded', { 'retry-after': '7' }));
    expect(later.retryAfterMs).toBe(7000);
  });

  it('a full Drive and a folder the account may not write to fail the recording with the reason', async () => {
    const full = await classify(driveError(403, 'storageQuotaExceeded'));
    expect(full.kind).toBe('rejected');
    expect(full.message).toContain('no room left');
    expect((await classify(driveError(403, 'insufficientFilePermissions'))).kind).toBe('rejected');
  });

  it('missing scopes and refused tokens need a new sign-in', async () => {
    expect((await classify(driveError(403, 'insufficientPermissions'))).kind).toBe('auth');
    expect((await classify(driveError(401, 'authError'))).kind).toBe('auth');
  });

  it('404 on the session URI means the session is gone; elsewhere it is a refusal', async () => {
    expect((await classify(new Response('Not Found', { status: 404 }), true)).kind).toBe('session-gone');
    expect((await classify(driveError(404, 'notFound'))).kind).toBe('rejected');
  });

  it('429, and 503 with Retry-After, are pacing; other 5xx are retried', async () => {
    const busy = await classify(driveError(429, 'rateLimitExceeded', { 'retry-after': '2' }));
    expect(busy).toMatchObject({ kind: 'throttled', retryAfterMs: 2000 });
    const shedding = await classify(new Response('busy', { status: 503, headers: { 'retry-after': '30' } }));
    expect(shedding).toMatchObject({ kind: 'throttled', retryAfterMs: 30_000 });
    expect((await classify(new Response('busy', { status: 503 }))).kind).toBe('retriable');
    expect((await classify(new Response('<html>502</html>', { status: 502 }))).kind).toBe('retriable');
  });
});
