import { type MachinePolicy, type PolicyView, viewOf } from '../../../src-shared/policy.ts';
import {
  DESTINATION_KINDS,
  type DestinationKind,
  defaultSettings,
  NO_EXTRA_RULES,
  type SettingName,
  type Settings,
  type SettingsRules,
} from '../../../src-shared/settings.ts';

/**
 * What the machine's policy means for the core: the values under the operator's own (unlocked
 * ones are where a fresh install starts), the values over everything (locked ones), where
 * uploads and credentials may go, and whether uploads may run at all (not under a policy that
 * does not validate: it is never silently ignored).
 */
export class PolicyRules {
  readonly machine: MachinePolicy;

  constructor(machine: MachinePolicy) {
    this.machine = machine;
  }

  get view(): PolicyView {
    return viewOf(this.machine);
  }

  /** The file, for messages. */
  get file(): string {
    return this.machine.state === 'in-force' ? this.machine.policy.file : this.machine.file;
  }

  /** Why uploads are stopped, or null. */
  get stopsUploads(): string | null {
    return this.machine.state === 'invalid'
      ? `uploads are stopped until the policy is fixed: ${this.machine.problem}`
      : null;
  }

  get settingsRules(): SettingsRules {
    return this.machine.state === 'in-force'
      ? { plainHttpOrigins: this.machine.policy.plainHttpOrigins }
      : NO_EXTRA_RULES;
  }

  get uploadOrigins(): readonly string[] {
    return this.machine.state === 'in-force' ? this.machine.policy.uploadOrigins : [];
  }

  get allowedDestinations(): readonly DestinationKind[] {
    return this.machine.state === 'in-force' ? this.machine.policy.allowedDestinations : DESTINATION_KINDS;
  }

  isLocked(name: SettingName): boolean {
    return this.machine.state === 'in-force' && this.machine.policy.locked.has(name);
  }

  /** Unlocked policy values: under whatever the operator saved. */
  get baseValues(): Partial<Settings> {
    if (this.machine.state !== 'in-force') return {};
    const { values, locked } = this.machine.policy;
    const base: Partial<Settings> = Object.fromEntries(
      Object.entries(values).filter(([name]) => !locked.has(name as SettingName)),
    );
    // A destination the policy does not allow is never where a fresh install starts.
    const first = this.allowedDestinations[0];
    if (
      base.activeDestination === undefined &&
      first !== undefined &&
      !this.allowedDestinations.includes(defaultSettings().activeDestination)
    ) {
      base.activeDestination = first;
    }
    return base;
  }

  /** Locked settings at the policy's value, or at the default where it gives none. */
  get lockedValues(): Partial<Settings> {
    if (this.machine.state !== 'in-force') return {};
    const { values, locked } = this.machine.policy;
    const defaults = defaultSettings();
    return Object.fromEntries(
      [...locked].map((name) => [name, name in values ? values[name] : defaults[name]]),
    ) as Partial<Settings>;
  }

  /** The locked settings a patch would change (the same value again changes nothing). */
  refusedChanges(current: Settings, patch: Partial<Settings>): SettingName[] {
    return (Object.keys(patch) as SettingName[]).filter(
      (name) =>
        patch[name] !== undefined &&
        this.isLocked(name) &&
        JSON.stringify(patch[name]) !== JSON.stringify(current[name]),
    );
  }

  /** Settings as they are in force: the operator's under the locked ones, a refused destination replaced. */
  enforce(settings: Settings): Settings {
    const enforced = { ...settings, ...this.lockedValues };
    if (!this.allowedDestinations.includes(enforced.activeDestination)) {
      enforced.activeDestination = this.allowedDestinations[0] ?? enforced.activeDestination;
    }
    return enforced;
  }
}

export const NO_POLICY_RULES = new PolicyRules({ state: 'none', file: '' });
