import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogFields, Logger } from '../../src-main/core/logging/logger.ts';
import type { Database } from '../../src-main/core/store/database.ts';
import { SettingsStore } from '../../src-main/core/store/settings-store.ts';
import { defaultSettings, type Settings } from '../../src-shared/settings.ts';
import { TempDatabase } from '../support/store-fixtures.ts';

/** Keeps every warning, so a test can see what load() reported. */
function recordingLogger(): Logger & { warnings: { message: string; fields?: LogFields }[] } {
  const warnings: { message: string; fields?: LogFields }[] = [];
  return {
    warnings,
    debug: () => {},
    info: () => {},
    warn: (message, fields) => warnings.push({ message, fields }),
    error: () => {},
  };
}

const storedNames = (db: Database): string[] =>
  db.prepare('SELECT name FROM settings ORDER BY name').pluck().all() as string[];

describe('the settings store', () => {
  let temp: TempDatabase;

  beforeEach(() => {
    temp = new TempDatabase();
  });
  afterEach(() => temp.remove());

  it('gives the defaults when nothing was saved', () => {
    expect(new SettingsStore(temp.open()).load()).toEqual(defaultSettings());
  });

  it('saves a change, returns the whole result and loads it after a restart', () => {
    const saved = new SettingsStore(temp.open()).save({
      settleSeconds: 5,
      videoExtensions: ['mp4', 'mkv'],
      storageApiBaseUrl: 'https://storage.example/api',
      pausedUntil: 1_730_000_000_000,
    });

    const loaded = new SettingsStore(temp.restart()).load();

    const expected: Settings = {
      ...defaultSettings(),
      settleSeconds: 5,
      videoExtensions: ['mp4', 'mkv'],
      storageApiBaseUrl: 'https://storage.example/api',
      pausedUntil: 1_730_000_000_000,
    };
    expect(saved).toEqual(expected);
    expect(loaded).toEqual(expected);
  });

  it('stores only the names that changed', () => {
    const db = temp.open();
    const store = new SettingsStore(db);

    store.save({ maxRetries: defaultSettings().maxRetries, settleSeconds: 10 });
    expect(storedNames(db)).toEqual(['settleSeconds']);

    store.save({ settleSeconds: 10, deleteAfterUpload: true });
    expect(storedNames(db)).toEqual(['deleteAfterUpload', 'settleSeconds']);
  });

  it('refuses a bad patch whole, naming each setting at fault, and keeps what was there', () => {
    const db = temp.open();
    const store = new SettingsStore(db);
    store.save({ settleSeconds: 12 });

    expect(() => store.save({ settleSeconds: 0, maxConcurrentUploads: 99, deleteAfterUpload: true })).toThrow(
      /settings not saved: .*setting "settleSeconds".*setting "maxConcurrentUploads"/,
    );
    expect(() => store.save({ maxConcurentUploads: 3 } as Partial<Settings>)).toThrow(
      /unknown setting "maxConcurentUploads"/,
    );

    expect(store.load()).toMatchObject({ settleSeconds: 12, deleteAfterUpload: false });
    expect(storedNames(db)).toEqual(['settleSeconds']);
  });

  it('treats a setting sent as undefined as unchanged', () => {
    const store = new SettingsStore(temp.open());
    store.save({ settleSeconds: 7 });

    expect(store.save({ settleSeconds: undefined, maxRetries: 5 })).toMatchObject({
      settleSeconds: 7,
      maxRetries: 5,
    });
  });

  it('drops a stored value that no longer validates, keeps the rest and reports it', () => {
    const db = temp.open();
    const insert = db.prepare('INSERT INTO settings (name, value) VALUES (?, ?)');
    insert.run('settleSeconds', '0');
    insert.run('maxRetries', '"three"');
    insert.run('chunkSizeBytes', 'not json {');
    insert.run('retiredSetting', 'true');
    insert.run('maxConcurrentUploads', '4');
    const logger = recordingLogger();

    const loaded = new SettingsStore(db, logger).load();

    const defaults = defaultSettings();
    expect(loaded).toEqual({
      ...defaults,
      maxConcurrentUploads: 4,
    });
    const reported = logger.warnings.map((warning) => warning.fields?.setting).sort();
    expect(reported).toEqual(['chunkSizeBytes', 'maxRetries', 'retiredSetting', 'settleSeconds']);
    expect(logger.warnings.find((w) => w.fields?.setting === 'settleSeconds')?.fields?.problem).toMatch(
      /setting "settleSeconds"/,
    );
  });

  it('can save again over a stored value that no longer validated', () => {
    const db = temp.open();
    db.prepare("INSERT INTO settings (name, value) VALUES ('settleSeconds', '-4')").run();
    const store = new SettingsStore(db);

    store.save({ settleSeconds: 9 });

    expect(store.load().settleSeconds).toBe(9);
    expect(db.prepare("SELECT value FROM settings WHERE name = 'settleSeconds'").pluck().get()).toBe('9');
  });

  it('replaces a stored value that no longer validated even when the default is saved', () => {
    const db = temp.open();
    db.prepare("INSERT INTO settings (name, value) VALUES ('maxRetries', '-1')").run();
    const logger = recordingLogger();
    const store = new SettingsStore(db, logger);

    store.save({ maxRetries: defaultSettings().maxRetries });
    store.load();

    expect(db.prepare("SELECT value FROM settings WHERE name = 'maxRetries'").pluck().get()).toBe(
      String(defaultSettings().maxRetries),
    );
    expect(logger.warnings).toHaveLength(1);
  });
});
