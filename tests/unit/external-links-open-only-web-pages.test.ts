import { describe, expect, it } from 'vitest';
import { routeShellRequest } from '../../src-main/desktop/bridge/shell-commands.ts';
import { HIDDEN_ARG, loginItemFor } from '../../src-main/desktop/start-at-login.ts';
import { isOpenableWebUrl } from '../../src-shared/web-address.ts';

describe('what the shell hands to the OS', () => {
  it('opens only http(s) pages in the system browser', () => {
    expect(isOpenableWebUrl('https://login.microsoftonline.com/common/oauth2/v2.0/authorize?x=1')).toBe(true);
    expect(isOpenableWebUrl('http://127.0.0.1:53682/')).toBe(true);
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'ms-settings:privacy',
      'smb://server/share',
      'https://user:pass@evil.example/',
      'not a url',
      '',
    ]) {
      expect(isOpenableWebUrl(url), url).toBe(false);
    }
  });

  it('registers a login item only for a packaged app, starting hidden', () => {
    expect(loginItemFor(true, false)).toBeNull();
    expect(loginItemFor(true, true)).toEqual({ openAtLogin: true, args: [HIDDEN_ARG] });
    expect(loginItemFor(false, true)).toEqual({ openAtLogin: false, args: [HIDDEN_ARG] });
  });

  it('answers chooseLocalFolder itself with the native dialog, and sends every other command to the core', async () => {
    const toCore: string[] = [];
    const core = async (request: { id: number; method: string }) => {
      toCore.push(request.method);
      return { id: request.id, result: 'core' };
    };
    const shell = {
      chooseLocalFolder: async () => ({ path: '/home/op/recordings' }),
      showInFolder: async () => ({ shown: '/home/op/recordings/a.mp4' }),
    };
    expect(await routeShellRequest({ id: 1, method: 'chooseLocalFolder', params: {} }, shell, core)).toEqual({
      id: 1,
      result: { path: '/home/op/recordings' },
    });
    expect(await routeShellRequest({ id: 2, method: 'getSnapshot', params: {} }, shell, core)).toEqual({
      id: 2,
      result: 'core',
    });
    expect(toCore).toEqual(['getSnapshot']);
    const broken = { ...shell, chooseLocalFolder: () => Promise.reject(new Error('no display')) };
    expect(await routeShellRequest({ id: 3, method: 'chooseLocalFolder', params: {} }, broken, core)).toEqual(
      {
        id: 3,
        error: { code: 'failed', message: 'The folder dialog failed: no display' },
      },
    );
  });
});
