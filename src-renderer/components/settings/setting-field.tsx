import { useId } from 'react';
import type { Settings } from '../../../src-shared/settings.ts';
import { parseUploadRateLimit, rateInForce } from '../../../src-shared/upload-rate-limit.ts';
import { rateInForceWords } from '../../format/rate-limit-words.ts';
import type { MessageKey } from '../../i18n/en.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import type { Translate } from '../../i18n/translate.ts';
import {
  type FieldValue,
  FORM_FIELDS,
  type FormSetting,
  type SelectSetting,
} from '../../state/settings-form.ts';
import { ErrorText, Notice } from '../common/messages.tsx';

/** The dictionary has a label for every option of every choice (a type check on the dictionary). */
function optionLabel<N extends SelectSetting>(t: Translate, name: N, value: Settings[N] | string): string {
  return t(`option.${name}.${value}` as MessageKey);
}

/** The limit as typed, read back in words: what holds now and what comes next. */
function RateLimitWords(props: { text: string }) {
  const { t, locale } = useI18n();
  const parsed = parseUploadRateLimit(props.text);
  if (!parsed.ok) return null;
  const now = Date.now();
  const words = rateInForceWords(rateInForce(parsed.value, now), t, locale, now);
  return <p className="help rate-words">{t('rate.now', { words })}</p>;
}

interface SettingFieldProps {
  name: FormSetting;
  value: FieldValue;
  problem: string | null;
  /** The administrator's policy holds this setting: shown, not changeable. */
  locked?: boolean;
  /** Choices the policy does not allow (destinations it leaves out): listed, not choosable. */
  refusedOptions?: readonly string[];
  onChange(value: FieldValue): void;
}

export function SettingField(props: SettingFieldProps) {
  const { t } = useI18n();
  const id = useId();
  const spec = FORM_FIELDS[props.name];
  const label = t(`setting.${props.name}`);
  const help = t(`setting.${props.name}.help`);
  const helpId = `${id}-help`;
  const problemId = `${id}-problem`;
  const managedId = `${id}-managed`;
  const locked = props.locked === true;
  const describedBy = [
    helpId,
    ...(locked ? [managedId] : []),
    ...(props.problem === null ? [] : [problemId]),
  ].join(' ');
  const managed = locked ? (
    <p className="help managed" id={managedId}>
      {t('policy.managed')}
    </p>
  ) : null;

  if (spec.kind === 'checkbox') {
    return (
      <div className="field field-check">
        <label className="check" htmlFor={id}>
          <input
            id={id}
            type="checkbox"
            checked={props.value === true}
            disabled={locked}
            aria-describedby={describedBy}
            onChange={(event) => props.onChange(event.target.checked)}
          />
          <span>{label}</span>
        </label>
        <p className="help" id={helpId}>
          {help}
        </p>
        {managed}
        {props.name === 'deleteAfterUpload' && props.value === true && (
          <Notice tone="warning">{t('settings.deleteWarning')}</Notice>
        )}
        <ErrorText id={problemId}>{props.problem}</ErrorText>
      </div>
    );
  }
  const unit =
    spec.kind === 'number' && spec.unit !== 'count'
      ? t(`unit.${spec.unit}`)
      : spec.kind === 'bytes'
        ? t(`unit.${spec.unit}`)
        : null;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="input-row">
        {spec.kind === 'select' ? (
          <select
            id={id}
            value={String(props.value)}
            disabled={locked}
            aria-invalid={props.problem !== null}
            aria-describedby={describedBy}
            onChange={(event) => props.onChange(event.target.value)}
          >
            {spec.options.map((option) => (
              <option key={option} value={option} disabled={props.refusedOptions?.includes(option)}>
                {optionLabel(t, props.name as SelectSetting, option)}
                {props.refusedOptions?.includes(option) ? ` — ${t('policy.destinationNotAllowed')}` : ''}
              </option>
            ))}
          </select>
        ) : (
          <input
            id={id}
            type="text"
            inputMode={
              spec.kind === 'number'
                ? 'numeric'
                : spec.kind === 'bytes'
                  ? 'decimal'
                  : spec.kind === 'url'
                    ? 'url'
                    : 'text'
            }
            spellCheck={false}
            className={spec.kind === 'number' || spec.kind === 'bytes' ? 'input-short' : undefined}
            value={String(props.value)}
            readOnly={locked}
            aria-invalid={props.problem !== null}
            aria-describedby={describedBy}
            onChange={(event) => props.onChange(event.target.value)}
          />
        )}
        {unit !== null && <span className="unit">{unit}</span>}
      </div>
      <p className="help" id={helpId}>
        {help}
      </p>
      {managed}
      {props.name === 'uploadRateLimit' && props.problem === null && (
        <RateLimitWords text={String(props.value)} />
      )}
      <ErrorText id={problemId}>{props.problem}</ErrorText>
    </div>
  );
}
