import {
  applySettings,
  defaultSettings,
  NO_EXTRA_RULES,
  SETTING_NAMES,
  type SettingName,
  type Settings,
  type SettingsRules,
} from '../../../src-shared/settings.ts';
import { type Clock, systemClock } from '../host-services.ts';
import { type Logger, silentLogger } from '../logging/logger.ts';
import type { Database } from './database.ts';
import { Ledger } from './ledger.ts';

export interface SettingsStoreOptions {
  /** What stands where the operator saved nothing: the policy's unlocked values over the defaults. */
  base?: Partial<Settings>;
  /** The policy's additions to the schema (plain-http origins it allows). */
  rules?: SettingsRules;
}

/**
 * The operator's settings, one row per setting that differs from what was once saved. Reading
 * never fails: a stored value the current version no longer accepts gives way to its default.
 */
export class SettingsStore {
  readonly #db: Database;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #ledger: Ledger;
  readonly #base: Partial<Settings>;
  readonly #rules: SettingsRules;

  constructor(
    db: Database,
    logger: Logger = silentLogger,
    clock: Clock = systemClock,
    options: SettingsStoreOptions = {},
  ) {
    this.#db = db;
    this.#logger = logger;
    this.#clock = clock;
    this.#ledger = new Ledger(db);
    this.#base = options.base ?? {};
    this.#rules = options.rules ?? NO_EXTRA_RULES;
  }

  load(): Settings {
    const base = applySettings(defaultSettings(), this.#base, this.#rules);
    let settings = base.ok ? base.settings : defaultSettings();
    for (const [name, text] of this.#stored()) settings = this.#applyStored(settings, name, text);
    return settings;
  }

  /**
   * Validates the whole result before writing anything; writes only the settings that changed, and
   * names them (never their values) in the ledger in the same transaction.
   */
  save(patch: Partial<Settings>): Settings {
    return this.#db
      .transaction(() => {
        const current = this.load();
        const result = applySettings(current, withoutUndefined(patch), this.#rules);
        if (!result.ok) throw new Error(`settings not saved: ${result.problems.join('; ')}`);
        const upsert = this.#db.prepare(
          'INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
        );
        const changed = toWrite(current, result.settings, this.#stored());
        for (const [name, text] of changed) upsert.run(name, text);
        if (changed.length > 0) {
          const keys = changed.map(([name]) => name).sort();
          this.#ledger.append({ event: 'settings-changed', details: { keys } }, this.#clock.now());
        }
        return result.settings;
      })
      .immediate();
  }

  #stored(): Map<string, string> {
    const rows = this.#db.prepare('SELECT name, value FROM settings ORDER BY name').all() as {
      name: string;
      value: string;
    }[];
    return new Map(rows.map((row) => [row.name, row.value]));
  }

  /** One setting at a time, so one bad value costs only itself and the report names it. */
  #applyStored(settings: Settings, name: string, text: string): Settings {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.#logger.warn('stored setting is not JSON: using its default', { setting: name });
      return settings;
    }
    const result = applySettings(settings, { [name]: value }, this.#rules);
    if (result.ok) return result.settings;
    this.#logger.warn('stored setting no longer valid: using its default', {
      setting: name,
      problem: result.problems.join('; '),
    });
    return settings;
  }
}

/**
 * The settings whose value changed, and those whose stored row differs from the value now in force
 * (a stored value that no longer validated is replaced once the operator saves that setting).
 */
function toWrite(before: Settings, after: Settings, stored: Map<string, string>): [SettingName, string][] {
  return SETTING_NAMES.flatMap((name): [SettingName, string][] => {
    const text = JSON.stringify(after[name]);
    const changed = text !== JSON.stringify(before[name]);
    const staleRow = stored.has(name) && stored.get(name) !== text;
    return changed || staleRow ? [[name, text]] : [];
  });
}

/** A name sent as undefined (it survives structured cloning) means "leave as is", not "reset". */
function withoutUndefined(patch: Partial<Settings>): Partial<Settings> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
}
