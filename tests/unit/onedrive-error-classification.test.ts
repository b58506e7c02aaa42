import { describe, expect, it } from 'vitest';
import { graphFault } from '../../src-main/core/destinations/onedrive/graph-fault.ts';

/** Graph's error body: `{error: {code, message, innerError}}`. */
function graphError(
  status: number,
  code: string,
  headers: Record<string, string> = {},
  inner?: string,
): Response {
  const body = {
    error: { code, message: `${code} happened`, ...(inner ? { innerError: { code: inner } } : {}) },
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

const classify = (response: Response) => graphFault(response, { what: 'OneDrive PUT content', now: 0 });

describe('Graph errors as the retry policy sees them', () => {
  it('a folder the account may only read fails the recording with Graph’s reason, never asks for a sign-in', async () => {
    for (const code of ['accessDenied', 'notAllowed']) {
      const fault = await classify(graphError(403, code));
      expect(fault.kind, code).toBe('rejected');
      expect(fault.message).toContain(`${code} happened`);
      expect(fault.message).toContain(`(${code})`);
    }
    // A 403 that says nothing about why is not taken for a refused token either.
    expect((await classify(new Response('Forbidden', { status: 403 }))).kind).toBe('rejected');
  });

  it('a full drive fails the recording and says so', async () => {
    for (const response of [graphError(403, 'quotaLimitReached'), graphError(507, 'insufficientStorage')]) {
      const fault = await classify(response);
      expect(fault.kind).toBe('rejected');
      expect(fault.message).toContain('no room left');
    }
  });

  it('only a refused token holds the destination for sign-in', async () => {
    expect((await classify(graphError(401, 'InvalidAuthenticationToken'))).kind).toBe('auth');
    expect((await classify(graphError(403, 'InvalidAuthenticationToken'))).kind).toBe('auth');
    expect((await classify(graphError(403, 'accessDenied', {}, 'unauthenticated'))).kind).toBe('auth');
  });

  it('activity limits are Graph pacing the uploader', async () => {
    const fault = await classify(graphError(403, 'activityLimitReached', { 'retry-after': '30' }));
    expect(fault).toMatchObject({ kind: 'throttled', retryAfterMs: 30_000 });
    expect((await classify(graphError(429, 'activityLimitReached', { 'retry-after': '5' }))).kind).toBe(
      'throttled',
    );
  });
});
