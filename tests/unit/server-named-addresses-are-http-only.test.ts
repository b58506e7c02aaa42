import { describe, expect, it } from 'vitest';
import { refusalOf, serverNamedAddress } from '../../src-main/core/destinations/server-named-address.ts';

describe('an address a server names for the next request', () => {
  it('is followed only when it is http(s)', () => {
    expect(refusalOf('https://upload.example/session/1?sig=x')).toBeNull();
    expect(refusalOf('http://127.0.0.1:8080/upload/1')).toBeNull();
    expect(serverNamedAddress().parse('https://upload.example/1')).toBe('https://upload.example/1');
  });

  it('is refused in words naming its scheme, or saying it is no address at all', () => {
    const said = (value: unknown) => serverNamedAddress().safeParse(value).error?.issues[0]?.message;
    expect(said('smb://files.example/share/x')).toBe(
      'an address of scheme smb:, not http(s): refused, nothing was sent there',
    );
    expect(said('FILE:///srv/loot')).toBe(
      'an address of scheme file:, not http(s): refused, nothing was sent there',
    );
    expect(said('javascript:alert(1)')).toBe(
      'an address of scheme javascript:, not http(s): refused, nothing was sent there',
    );
    expect(said('/upload/relative')).toBe('not a valid address: refused, nothing was sent there');
    expect(said(42)).toBe('not an address: refused, nothing was sent there');
  });
});
