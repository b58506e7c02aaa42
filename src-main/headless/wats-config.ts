import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import {
  NO_EXTRA_RULES,
  type Settings,
  type SettingsRules,
  settingsSchema,
  settingsSchemaFor,
} from '../../src-shared/settings.ts';

/** The note for a token in the file, which the importer stores in the keychain. */
export const TOKEN_STORED_NOTE = 'API token: stored in the keychain';

export interface WatsImport {
  settings: Partial<Settings>;
  /** The storage API token, for the caller to put in the keychain. Never part of settings or notes. */
  token: string | null;
  /** What was imported, in the operator's terms, one line each. */
  notes: string[];
  /** Keys of the file's api section this uploader does not know (a typo, or a newer recorder): ignored. */
  unknownKeys: string[];
}

type NumberSetting = 'maxConcurrentUploads' | 'maxRetries' | 'maxFileAgeDays' | 'requestTimeoutSeconds';
type FlagSetting = 'deleteAfterUpload' | 'uploadOlderRecordings';

const WHOLE_NUMBERS: Array<{ key: string; setting: NumberSetting; label: string; unit: string }> = [
  { key: 'max_concurrent_uploads', setting: 'maxConcurrentUploads', label: 'uploads at once', unit: '' },
  { key: 'max_retries', setting: 'maxRetries', label: 'retries per recording', unit: '' },
  { key: 'max_file_age_days', setting: 'maxFileAgeDays', label: 'oldest recording to upload', unit: ' days' },
];

const FLAGS: Array<{ key: string; setting: FlagSetting; label: string }> = [
  { key: 'delete_after_upload', setting: 'deleteAfterUpload', label: 'delete recordings after upload' },
  {
    key: 'upload_older_recordings',
    setting: 'uploadOlderRecordings',
    label: 'upload recordings already in the folder',
  },
];

/**
 * Maps the recording system's config.json onto this uploader's settings. Only the keys below
 * are read; anything else in the file belongs to the recording system and is ignored. A value
 * of the wrong type is an error naming the key and the file; a number outside what this
 * uploader allows is brought within range and said so, because the file is the recording
 * system's and the operator should not have to change it for us.
 */
export function parseWatsConfig(
  json: unknown,
  sourcePath: string,
  home: string = homedir(),
  rules: SettingsRules = NO_EXTRA_RULES,
): WatsImport {
  const root = section(json, '', sourcePath);
  const recording = section(root.recording, 'recording', sourcePath);
  const api = section(root.api, 'api', sourcePath);
  const read = new FieldReader(sourcePath, rules);
  const settings: Partial<Settings> = { activeDestination: 'storage-api' };
  const notes: string[] = ['destination: the company storage API'];

  const outputDir = read.text(recording, 'recording.output_dir');
  if (outputDir) {
    settings.recordingsFolder = recordingsFolder(outputDir, sourcePath, home);
    const how =
      settings.recordingsFolder === outputDir ? '' : ` (from "${outputDir}", relative to ${sourcePath})`;
    notes.push(`recordings folder: ${settings.recordingsFolder}${how}`);
  }

  const baseUrl = read.text(api, 'api.base_url');
  if (baseUrl) {
    settings.storageApiBaseUrl = read.accepted(
      'api.base_url',
      'storageApiBaseUrl',
      baseUrl.replace(/\/+$/, ''),
    );
    notes.push(`storage API address: ${settings.storageApiBaseUrl}`);
  }

  const token = read.secretText(api, 'api.api_token') || null;
  notes.push(token === null ? 'API token: none in the file' : TOKEN_STORED_NOTE);

  for (const { key, setting, label, unit } of WHOLE_NUMBERS) {
    const value = read.wholeNumber(api, `api.${key}`);
    if (value === undefined) continue;
    settings[setting] = read.withinRange(setting, value, notes, `${label}: `, unit, `api.${key}`);
  }

  const timeout = read.seconds(api, 'api.upload_timeout');
  if (timeout !== undefined) {
    settings.requestTimeoutSeconds = read.withinRange(
      'requestTimeoutSeconds',
      Math.ceil(timeout),
      notes,
      'request time-out: ',
      ' seconds',
      'api.upload_timeout',
    );
  }

  for (const { key, setting, label } of FLAGS) {
    const value = read.flag(api, `api.${key}`);
    if (value === undefined) continue;
    settings[setting] = value;
    notes.push(`${label}: ${value ? 'yes' : 'no'}`);
  }

  const switchedOff = ['enabled', 'auto_upload'].filter((key) => read.flag(api, `api.${key}`) === false);
  if (switchedOff.length > 0) {
    settings.uploadsPaused = true;
    notes.push(
      `uploads paused, because ${switchedOff.map((k) => `api.${k}`).join(' and ')} is false in the file`,
    );
  }

  const known = new Set([
    'base_url',
    'api_token',
    'enabled',
    'auto_upload',
    'upload_timeout',
    ...WHOLE_NUMBERS.map((n) => n.key),
    ...FLAGS.map((f) => f.key),
  ]);
  const unknownKeys = Object.keys(api)
    .filter((key) => !known.has(key))
    .map((key) => `api.${key}`);
  return { settings, token, notes, unknownKeys };
}

function section(value: unknown, key: string, sourcePath: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  const what = key === '' ? 'the file' : key;
  throw new Error(`${sourcePath}: ${what} must be a JSON object, got ${shown(value)}`);
}

function recordingsFolder(outputDir: string, sourcePath: string, home: string): string {
  if (outputDir === '~') return home;
  if (outputDir.startsWith('~/') || outputDir.startsWith('~\\')) return join(home, outputDir.slice(2));
  // The recording system runs from its own folder, where config.json lives.
  return isAbsolute(outputDir) ? outputDir : resolve(dirname(sourcePath), outputDir);
}

class FieldReader {
  readonly #source: string;
  readonly #rules: SettingsRules;

  constructor(source: string, rules: SettingsRules) {
    this.#source = source;
    this.#rules = rules;
  }

  text(section: Record<string, unknown>, key: string): string | undefined {
    const value = entryValue(section, key);
    if (value === undefined || typeof value === 'string') return value?.trim();
    throw this.#wrong(key, 'text', shown(value));
  }

  /** Like text(), but a wrong value is described by its type only: it may be a credential. */
  secretText(section: Record<string, unknown>, key: string): string | undefined {
    const value = entryValue(section, key);
    if (value === undefined || typeof value === 'string') return value?.trim();
    throw this.#wrong(key, 'text', Array.isArray(value) ? 'a list' : `a ${typeof value}`);
  }

  wholeNumber(section: Record<string, unknown>, key: string): number | undefined {
    const value = entryValue(section, key);
    if (value === undefined || Number.isSafeInteger(value)) return value as number | undefined;
    throw this.#wrong(key, 'a whole number', shown(value));
  }

  seconds(section: Record<string, unknown>, key: string): number | undefined {
    const value = entryValue(section, key);
    if (value === undefined || (typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      return value as number | undefined;
    }
    throw this.#wrong(key, 'a number of seconds above 0', shown(value));
  }

  flag(section: Record<string, unknown>, key: string): boolean | undefined {
    const value = entryValue(section, key);
    if (value === undefined || typeof value === 'boolean') return value;
    throw this.#wrong(key, 'true or false', shown(value));
  }

  accepted<K extends keyof Settings>(key: string, setting: K, value: Settings[K]): Settings[K] {
    const parsed = settingsSchemaFor(this.#rules).shape[setting].safeParse(value);
    if (parsed.success) return parsed.data as Settings[K];
    const reason = parsed.error.issues[0]?.message ?? 'not accepted';
    throw new Error(`${this.#source}: ${key} is not accepted (${reason}), got ${shown(value)}`);
  }

  withinRange(
    setting: NumberSetting,
    value: number,
    notes: string[],
    label: string,
    unit: string,
    key: string,
  ): number {
    const schema = settingsSchema.shape[setting].unwrap();
    const min = schema.minValue ?? value;
    const max = schema.maxValue ?? value;
    const kept = Math.min(max, Math.max(min, value));
    const adjusted = kept === value ? '' : ` (${key} is ${value}; this uploader allows ${min} to ${max})`;
    notes.push(`${label}${kept}${unit}${adjusted}`);
    return kept;
  }

  #wrong(key: string, expected: string, got: string): Error {
    return new Error(`${this.#source}: ${key} must be ${expected}, got ${got}`);
  }
}

/** null counts as absent: the recording system writes None for a setting it leaves unset. */
function entryValue(section: Record<string, unknown>, key: string): unknown {
  const value = section[key.slice(key.indexOf('.') + 1)];
  return value === null ? undefined : value;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
