import { createContext, type ReactNode, useContext, useMemo } from 'react';
import type { UiLanguage } from '../../src-shared/settings.ts';
import {
  DICTIONARIES,
  type Language,
  localeOf,
  resolveLanguage,
  type Translate,
  translate,
} from './translate.ts';

export interface I18n {
  t: Translate;
  language: Language;
  /** For numbers and dates. */
  locale: string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider(props: { setting: UiLanguage; children: ReactNode }) {
  const value = useMemo(() => {
    const language = resolveLanguage(props.setting, navigator.languages ?? [navigator.language]);
    const messages = DICTIONARIES[language];
    const i18n: I18n = {
      t: (key, vars) => translate(messages, key, vars),
      language,
      locale: localeOf(language),
    };
    return i18n;
  }, [props.setting]);
  return <I18nContext value={value}>{props.children}</I18nContext>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (value === null) throw new Error('translations are used outside I18nProvider');
  return value;
}
