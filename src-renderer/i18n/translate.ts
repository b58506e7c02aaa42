import type { UiLanguage } from '../../src-shared/settings.ts';
import { en, type MessageKey, type Messages } from './en.ts';
import { ptBR } from './pt-br.ts';

export type Language = Exclude<UiLanguage, 'auto'>;

export const DICTIONARIES: Readonly<Record<Language, Messages>> = { en, 'pt-BR': ptBR };

export type Vars = Readonly<Record<string, string | number>>;

export type Translate = (key: MessageKey, vars?: Vars) => string;

/** Fills `{name}` placeholders; a placeholder without a value stays visible rather than vanishing. */
export function translate(messages: Messages, key: MessageKey, vars?: Vars): string {
  const text = messages[key];
  if (vars === undefined) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    return value === undefined ? whole : String(value);
  });
}

/**
 * The operator's choice, or with 'auto' the first of the OS's (desktop) or browser's preferred
 * languages that the app speaks. Any Portuguese gets Brazilian Portuguese: closer than English.
 */
export function resolveLanguage(setting: UiLanguage, preferred: readonly string[]): Language {
  if (setting !== 'auto') return setting;
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0];
    if (primary === 'pt') return 'pt-BR';
    if (primary === 'en') return 'en';
  }
  return 'en';
}

/** The locale for numbers and dates in a language. */
export function localeOf(language: Language): string {
  return language === 'pt-BR' ? 'pt-BR' : 'en-US';
}
