import { describe, expect, it } from 'vitest';
import { holdSecret, holdSecretsOfCache } from '../../src-main/core/logging/held-secrets.ts';
import { redactSecrets } from '../../src-main/core/logging/redact-secrets.ts';

describe('secrets the process holds are redacted by their exact value', () => {
  it('removes a held token whatever surrounds it, plain or URL-encoded', () => {
    const token = 'tok_Zq7vLmNpRsTwXyBcDfGhJkMn';
    expect(redactSecrets(`the credentials ${token} may not write here`)).toContain(token);

    holdSecret(token);

    expect(redactSecrets(`the credentials ${token} may not write here`)).toBe(
      'the credentials [redacted] may not write here',
    );
    const odd = 'p@ss w/ord+with=odd/chars';
    holdSecret(odd);
    expect(redactSecrets(`next=${encodeURIComponent(odd)}&x=1`)).not.toContain(encodeURIComponent(odd));
  });

  it('holds each secret of a token cache, and leaves short values alone', () => {
    const refresh = '0.ARwA6Wg-refresh-token-value-that-is-long';
    holdSecretsOfCache(JSON.stringify({ RefreshToken: { key: { secret: refresh, client_id: 'abc' } } }));
    expect(redactSecrets(`grant ${refresh} refused`)).toBe('grant [redacted] refused');

    holdSecret('short');
    expect(redactSecrets('a short note')).toBe('a short note');
  });
});
