import type { z } from 'zod';
import type { PolicyView } from '../../src-shared/policy.ts';
import { type SettingName, type Settings, settingsSchema } from '../../src-shared/settings.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** A size field's unit: the setting is stored in bytes, typed in these. */
const BYTES_PER: Readonly<Record<'mebibytes' | 'gibibytes', number>> = { mebibytes: MiB, gibibytes: GiB };

/** Settings with their own controls elsewhere (the pause control, the folder browser). */
export const MANAGED_SETTINGS = [
  'uploadsPaused',
  'pausedUntil',
  'oneDriveFolder',
  'googleDriveFolder',
] as const;
export type ManagedSetting = (typeof MANAGED_SETTINGS)[number];
export type FormSetting = Exclude<SettingName, ManagedSetting>;

export type SelectSetting = {
  [N in FormSetting]: Settings[N] extends string ? (string extends Settings[N] ? never : N) : never;
}[FormSetting];

export type FieldSpec =
  | { kind: 'text' | 'url' | 'path' | 'list' }
  | { kind: 'number'; unit: 'seconds' | 'days' | 'count' }
  | { kind: 'bytes'; unit: 'mebibytes' | 'gibibytes' }
  | { kind: 'checkbox' }
  | { kind: 'select'; options: readonly string[] };

export type SettingsSection =
  | 'general'
  | 'recordings'
  | 'uploads'
  | 'storageApi'
  | 'oneDrive'
  | 'googleDrive';

function options<N extends SelectSetting>(name: N): readonly Settings[N][] {
  const schema = settingsSchema.shape[name] as unknown as { unwrap(): { options: Settings[N][] } };
  return schema.unwrap().options;
}

/** Every setting the form edits, in the order shown. A setting missing here is a type error. */
export const FORM_FIELDS: Readonly<Record<FormSetting, FieldSpec & { section: SettingsSection }>> = {
  language: { section: 'general', kind: 'select', options: options('language') },
  activeDestination: { section: 'general', kind: 'select', options: options('activeDestination') },
  recordingsFolder: { section: 'general', kind: 'path' },
  startAtLogin: { section: 'general', kind: 'checkbox' },
  updateFeedUrl: { section: 'general', kind: 'url' },
  cpuPriority: { section: 'general', kind: 'select', options: options('cpuPriority') },
  videoExtensions: { section: 'recordings', kind: 'list' },
  settleSeconds: { section: 'recordings', kind: 'number', unit: 'seconds' },
  uploadOlderRecordings: { section: 'recordings', kind: 'checkbox' },
  maxFileAgeDays: { section: 'recordings', kind: 'number', unit: 'days' },
  diskWarnBelowBytes: { section: 'recordings', kind: 'bytes', unit: 'gibibytes' },
  maxConcurrentUploads: { section: 'uploads', kind: 'number', unit: 'count' },
  chunkSizeBytes: { section: 'uploads', kind: 'bytes', unit: 'mebibytes' },
  maxRetries: { section: 'uploads', kind: 'number', unit: 'count' },
  requestTimeoutSeconds: { section: 'uploads', kind: 'number', unit: 'seconds' },
  reconcileEveryDays: { section: 'uploads', kind: 'number', unit: 'days' },
  fleetHeartbeat: { section: 'uploads', kind: 'checkbox' },
  uploadRateLimit: { section: 'uploads', kind: 'text' },
  remoteSubfolderTemplate: { section: 'uploads', kind: 'text' },
  deleteAfterUpload: { section: 'uploads', kind: 'checkbox' },
  storageApiBaseUrl: { section: 'storageApi', kind: 'url' },
  oneDriveClientId: { section: 'oneDrive', kind: 'text' },
  oneDriveTenant: { section: 'oneDrive', kind: 'text' },
  oneDriveAuthorityHost: { section: 'oneDrive', kind: 'url' },
  graphBaseUrl: { section: 'oneDrive', kind: 'url' },
  oneDriveConflictBehavior: {
    section: 'oneDrive',
    kind: 'select',
    options: options('oneDriveConflictBehavior'),
  },
  googleClientId: { section: 'googleDrive', kind: 'text' },
  googleClientSecret: { section: 'googleDrive', kind: 'text' },
  googleDriveScope: { section: 'googleDrive', kind: 'select', options: options('googleDriveScope') },
  googleAuthUrl: { section: 'googleDrive', kind: 'url' },
  googleTokenUrl: { section: 'googleDrive', kind: 'url' },
  googleRevokeUrl: { section: 'googleDrive', kind: 'url' },
  driveApiBaseUrl: { section: 'googleDrive', kind: 'url' },
  googleDriveChunkSizeBytes: { section: 'googleDrive', kind: 'bytes', unit: 'mebibytes' },
};

export const FORM_SETTINGS = Object.keys(FORM_FIELDS) as FormSetting[];

/**
 * The policy holds the setting: it locks it, or (the update address) it decides updates itself.
 * Shown as managed by the organization, not changeable.
 */
export function isManaged(name: FormSetting, policy: PolicyView): boolean {
  return policy.locked.includes(name) || (name === 'updateFeedUrl' && policy.updateFeedManaged);
}

/** What a field holds while the operator types: text, or a checkbox's state. */
export type FieldValue = string | boolean;

/** Why a typed value is refused, in terms the dictionary words for each language. */
export type FieldIssue =
  | {
      code:
        | 'required'
        | 'number'
        | 'whole-number'
        | 'url'
        | 'https-url'
        | 'plain-http'
        | 'extension'
        | 'video-extension'
        | 'choice';
    }
  | { code: 'too-small' | 'too-big' | 'too-long' | 'not-multiple'; limit: number }
  /** The upload speed limit's parser names the entry at fault; the dictionary frames it. */
  | { code: 'rate-limit'; problem: string }
  | { code: 'other'; message: string };

export type ParsedField = { ok: true; value: Settings[FormSetting] } | { ok: false; issue: FieldIssue };

/** How a setting's value reads in its field. */
export function fieldValueOf(name: FormSetting, settings: Settings): FieldValue {
  const spec = FORM_FIELDS[name];
  const value = settings[name];
  if (spec.kind === 'checkbox') return value === true;
  if (spec.kind === 'list') return (value as string[]).join(', ');
  if (spec.kind === 'bytes') {
    return String(Math.round(((value as number) / BYTES_PER[spec.unit]) * 100) / 100);
  }
  return String(value);
}

/** A field's text turned into the setting's value and checked against the core's own schema. */
export function parseField(name: FormSetting, raw: FieldValue): ParsedField {
  const spec = FORM_FIELDS[name];
  let value: unknown = raw;
  if (spec.kind === 'number' || spec.kind === 'bytes') {
    const text = String(raw).trim().replace(',', '.');
    if (text === '') return { ok: false, issue: { code: 'required' } };
    const number = Number(text);
    if (!Number.isFinite(number)) return { ok: false, issue: { code: 'number' } };
    value = spec.kind === 'bytes' ? Math.round(number * BYTES_PER[spec.unit]) : number;
  } else if (spec.kind === 'list') {
    value = String(raw)
      .split(/[\s,;]+/)
      .map((item) => item.replace(/^\.+/, ''))
      .filter((item) => item !== '');
  } else if (spec.kind !== 'checkbox') {
    value = String(raw).trim();
  }
  const parsed = settingsSchema.shape[name].safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data as Settings[FormSetting] };
  const issue = parsed.error.issues[0];
  if (name === 'uploadRateLimit' && issue?.code === 'custom') {
    return { ok: false, issue: { code: 'rate-limit', problem: issue.message } };
  }
  return {
    ok: false,
    issue: issue === undefined ? { code: 'other', message: '' } : toFieldIssue(issue, spec),
  };
}

function toFieldIssue(issue: z.core.$ZodIssue, spec: FieldSpec): FieldIssue {
  const scale = spec.kind === 'bytes' ? BYTES_PER[spec.unit] : 1;
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string' || issue.origin === 'array') return { code: 'required' };
      return { code: 'too-small', limit: Number(issue.minimum) / scale };
    case 'too_big':
      if (issue.origin === 'string') return { code: 'too-long', limit: Number(issue.maximum) };
      return { code: 'too-big', limit: Number(issue.maximum) / scale };
    case 'invalid_type':
      return { code: issue.expected === 'int' ? 'whole-number' : 'number' };
    case 'invalid_format':
      if (issue.format === 'url') return { code: issue.pattern === '^https$' ? 'https-url' : 'url' };
      if (issue.format === 'regex') return { code: 'extension' };
      return { code: 'other', message: issue.message };
    case 'custom':
      // The schema's own rules beyond types: an endpoint's scheme, a file type that is not video.
      if (spec.kind === 'url') return { code: 'plain-http' };
      if (spec.kind === 'list') return { code: 'video-extension' };
      return { code: 'other', message: issue.message };
    case 'not_multiple_of':
      return { code: 'not-multiple', limit: Number(issue.divisor) / scale };
    case 'invalid_value':
    case 'invalid_union':
      return spec.kind === 'url' ? { code: 'url' } : { code: 'choice' };
    default:
      return { code: 'other', message: issue.message };
  }
}

export interface FormResult {
  patch: Partial<Settings>;
  issues: Partial<Record<FormSetting, FieldIssue>>;
}

/** The changed fields as a settings patch, and each field that does not validate. */
export function changesOf(settings: Settings, edits: Partial<Record<FormSetting, FieldValue>>): FormResult {
  const patch: Record<string, unknown> = {};
  const issues: Partial<Record<FormSetting, FieldIssue>> = {};
  for (const name of FORM_SETTINGS) {
    const raw = edits[name];
    if (raw === undefined) continue;
    const parsed = parseField(name, raw);
    if (!parsed.ok) {
      issues[name] = parsed.issue;
      continue;
    }
    if (JSON.stringify(parsed.value) !== JSON.stringify(settings[name])) patch[name] = parsed.value;
  }
  return { patch: patch as Partial<Settings>, issues };
}
