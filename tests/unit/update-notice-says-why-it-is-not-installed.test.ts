import { describe, expect, it } from 'vitest';
import { shellStrings } from '../../src-main/desktop/shell-strings.ts';

describe('the notice of a release the app does not install by itself', () => {
  it('says why, in both languages: a per-machine install, or a feed from the settings', () => {
    for (const language of ['en', 'pt-BR'] as const) {
      const strings = shellStrings(language);
      const perMachine = strings.notice({
        kind: 'update-available',
        version: '1.4.0',
        because: 'per-machine',
      });
      const fromSettings = strings.notice({
        kind: 'update-available',
        version: '1.4.0',
        because: 'feed-from-settings',
      });
      expect(perMachine.title).toContain('1.4.0');
      expect(fromSettings.title).toBe(perMachine.title);
      expect(perMachine.body).not.toBe(fromSettings.body);
    }
    const en = shellStrings('en');
    expect(en.notice({ kind: 'update-available', version: '1.4.0', because: 'per-machine' }).body).toContain(
      'installed for every user of this computer',
    );
    expect(
      en.notice({ kind: 'update-available', version: '1.4.0', because: 'feed-from-settings' }).body,
    ).toContain('comes from this app’s settings, not from your organization’s policy');
    const pt = shellStrings('pt-BR');
    expect(
      pt.notice({ kind: 'update-available', version: '1.4.0', because: 'feed-from-settings' }).body,
    ).toContain('vem das configurações deste aplicativo');
  });
});
