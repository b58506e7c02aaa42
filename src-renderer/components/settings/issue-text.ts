import { formatCount } from '../../../src-shared/format-units.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import type { Translate } from '../../i18n/translate.ts';
import type { FieldIssue } from '../../state/settings-form.ts';

export function issueText(t: Translate, locale: string, issue: FieldIssue): string {
  switch (issue.code) {
    case 'too-small':
      return t('issue.tooSmall', { limit: formatCount(issue.limit, locale) });
    case 'too-big':
      return t('issue.tooBig', { limit: formatCount(issue.limit, locale) });
    case 'too-long':
      return t('issue.tooLong', { limit: formatCount(issue.limit, locale) });
    case 'not-multiple':
      return t('issue.notMultiple', { limit: new Intl.NumberFormat(locale).format(issue.limit) });
    case 'rate-limit':
      return t('issue.rateLimit', { problem: issue.problem });
    case 'other':
      return issue.message;
    default:
      return t(`issue.${issue.code}`);
  }
}

export function useIssueText(): (issue: FieldIssue) => string {
  const { t, locale } = useI18n();
  return (issue) => issueText(t, locale, issue);
}
