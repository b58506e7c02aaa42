import { describe, expect, it } from 'vitest';
import { en } from '../../src-renderer/i18n/en.ts';
import { ptBR } from '../../src-renderer/i18n/pt-br.ts';
import { DICTIONARIES, localeOf, resolveLanguage, translate } from '../../src-renderer/i18n/translate.ts';
import { SETTING_NAMES } from '../../src-shared/settings.ts';

const placeholders = (text: string): string[] =>
  [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('the UI dictionaries', () => {
  it('have the same keys in English and Brazilian Portuguese', () => {
    expect(Object.keys(ptBR).sort()).toEqual(Object.keys(en).sort());
  });

  it('leave no text empty and no text untranslated by accident', () => {
    for (const [language, messages] of Object.entries(DICTIONARIES)) {
      for (const [key, text] of Object.entries(messages)) {
        expect(text.trim(), `${language} ${key}`).not.toBe('');
      }
    }
    // Names (product, services, languages, units) may be the same; sentences may not.
    const same = Object.keys(en).filter((key) => en[key as keyof typeof en] === ptBR[key as keyof typeof en]);
    for (const key of same) expect(en[key as keyof typeof en], key).not.toMatch(/\s\w+\s\w+\s/);
  });

  it('use the same placeholders in both languages', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(ptBR[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('name and explain every setting of the core', () => {
    for (const name of SETTING_NAMES) {
      for (const messages of [en, ptBR] as Record<string, string>[]) {
        expect(messages[`setting.${name}`], name).toBeTruthy();
        expect(messages[`setting.${name}.help`], name).toBeTruthy();
      }
    }
  });

  it('fill placeholders and keep unknown ones visible', () => {
    expect(translate(en, 'job.sentOf', { sent: '1 MB', size: '2 MB' })).toBe('1 MB of 2 MB');
    expect(translate(ptBR, 'job.sentOf', { sent: '1 MB', size: '2 MB' })).toBe('1 MB de 2 MB');
    expect(translate(en, 'job.sentOf', { sent: '1 MB' })).toBe('1 MB of {size}');
  });
});

describe('the UI language', () => {
  it("follows the system's preferred languages when set to automatic", () => {
    expect(resolveLanguage('auto', ['pt-BR', 'en-US'])).toBe('pt-BR');
    expect(resolveLanguage('auto', ['pt-PT'])).toBe('pt-BR');
    expect(resolveLanguage('auto', ['de-DE', 'en-GB', 'pt-BR'])).toBe('en');
    expect(resolveLanguage('auto', ['fr-FR', 'pt'])).toBe('pt-BR');
    expect(resolveLanguage('auto', ['ja-JP'])).toBe('en');
    expect(resolveLanguage('auto', [])).toBe('en');
  });

  it("takes the operator's choice over the system's", () => {
    expect(resolveLanguage('en', ['pt-BR'])).toBe('en');
    expect(resolveLanguage('pt-BR', ['en-US'])).toBe('pt-BR');
    expect(localeOf('pt-BR')).toBe('pt-BR');
    expect(localeOf('en')).toBe('en-US');
  });
});
