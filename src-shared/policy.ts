import { z } from 'zod';
import { originOf } from './endpoints.ts';
import {
  applySettings,
  DESTINATION_KINDS,
  type DestinationKind,
  SETTING_NAMES,
  type SettingName,
  type Settings,
} from './settings.ts';

/**
 * The administrator's machine-wide policy (docs/admin-guide.md): values for settings, which of
 * them operators may not change, where uploads may go, and how updates arrive.
 */
const origin = (scheme: RegExp, what: string) =>
  z.string().refine((value) => originOf(value) === value && scheme.test(value), {
    message: `${what} is written as scheme://host[:port], with nothing after it`,
  });

export const UPDATE_CHANNELS = ['current', 'deferred'] as const;
export type UpdateChannel = (typeof UPDATE_CHANNELS)[number];

export const policySchema = z
  .object({
    /** Values for any setting, by the settings' own names; checked with the settings' own schema. */
    settings: z.record(z.string(), z.unknown()).default({}),
    /** Settings operators may not change: a list of names, or "all" (every setting given above). */
    locked: z.union([z.literal('all'), z.array(z.string())]).default([]),
    /** The destinations operators may use; every one when absent. */
    allowedDestinations: z.array(z.enum(DESTINATION_KINDS)).min(1).optional(),
    /** Origins beyond the storage API's own that may receive its uploads (and its token). */
    uploadOrigins: z.array(origin(/^https?:/, 'an upload origin')).default([]),
    /** Plain-http origins endpoints may name (a test network); loopback needs no listing. */
    plainHttpOrigins: z.array(origin(/^http:/, 'a plain-http origin')).default([]),
    updates: z
      .object({
        /** Off turns updates off, whatever the settings say. */
        enabled: z.boolean().default(true),
        /** The generic feed (latest.yml…) the company hosts; https only. */
        url: z.url({ protocol: /^https$/ }).optional(),
        /** deferred: offered a release only once it has been out for the deferral period. */
        channel: z.enum(UPDATE_CHANNELS).default('current'),
      })
      .strict()
      .optional(),
  })
  .strict();

export type PolicyFile = z.infer<typeof policySchema>;

/** A policy as the core applies it: validated, with every name resolved. */
export interface Policy {
  /** Where it was read from, to name it in every message. */
  file: string;
  values: Partial<Settings>;
  locked: ReadonlySet<SettingName>;
  allowedDestinations: readonly DestinationKind[];
  uploadOrigins: readonly string[];
  plainHttpOrigins: readonly string[];
  updates: { enabled: boolean; url: string | null; channel: UpdateChannel } | null;
}

/**
 * The policy in force, as the UI and `status` show it. `invalid`: the file exists but does not
 * validate — uploads stop until it is fixed, and `problem` names the file and the key.
 */
export interface PolicyView {
  state: 'none' | 'in-force' | 'invalid';
  file: string;
  problem: string | null;
  locked: SettingName[];
  allowedDestinations: DestinationKind[];
  /** The policy turned updates off, or sets where they come from. */
  updatesManaged: boolean;
  /** The policy turned updates off or names their feed: the updateFeedUrl setting has no say. */
  updateFeedManaged: boolean;
}

export type PolicyResult = { ok: true; policy: Policy } | { ok: false; problem: string };

/** Checks a parsed policy file; every problem names the file and the key at fault. */
export function readPolicy(file: string, json: unknown): PolicyResult {
  const parsed = policySchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path.join('.');
      if (issue.code === 'unrecognized_keys')
        return `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
      return `key "${key || '(top level)'}": ${issue.message}`;
    });
    return { ok: false, problem: `the policy ${file} is not valid: ${problems.join('; ')}` };
  }
  const given = parsed.data;
  const rules = { plainHttpOrigins: given.plainHttpOrigins };
  const checked = applySettings({}, given.settings, rules);
  if (!checked.ok) {
    const problems = checked.problems.map((p) => p.replace(/^setting "([^"]+)"/, 'key "settings.$1"'));
    return { ok: false, problem: `the policy ${file} is not valid: ${problems.join('; ')}` };
  }
  const values = Object.fromEntries(
    Object.keys(given.settings).map((name) => [name, checked.settings[name as SettingName]]),
  ) as Partial<Settings>;
  const lockedNames = given.locked === 'all' ? Object.keys(values) : given.locked;
  const unknown = lockedNames.filter((name) => !(SETTING_NAMES as string[]).includes(name));
  if (unknown.length > 0) {
    return {
      ok: false,
      problem: `the policy ${file} is not valid: key "locked": unknown setting ${unknown.map((n) => `"${n}"`).join(', ')}`,
    };
  }
  const allowedDestinations = given.allowedDestinations ?? [...DESTINATION_KINDS];
  const destination = values.activeDestination;
  if (destination !== undefined && !allowedDestinations.includes(destination)) {
    return {
      ok: false,
      problem: `the policy ${file} is not valid: key "settings.activeDestination": "${destination}" is not among allowedDestinations`,
    };
  }
  return {
    ok: true,
    policy: {
      file,
      values,
      locked: new Set(lockedNames as SettingName[]),
      allowedDestinations,
      uploadOrigins: given.uploadOrigins,
      plainHttpOrigins: given.plainHttpOrigins,
      updates:
        given.updates === undefined
          ? null
          : {
              enabled: given.updates.enabled,
              url: given.updates.url ?? null,
              channel: given.updates.channel,
            },
    },
  };
}

/** The policy the core runs under: none, one in force, or one that does not validate. */
export type MachinePolicy =
  | { state: 'none'; file: string }
  | { state: 'in-force'; policy: Policy }
  | { state: 'invalid'; file: string; problem: string };

export const noPolicy = (file: string): MachinePolicy => ({ state: 'none', file });

export function viewOf(machine: MachinePolicy): PolicyView {
  if (machine.state !== 'in-force') {
    return {
      state: machine.state,
      file: machine.file,
      problem: machine.state === 'invalid' ? machine.problem : null,
      locked: [],
      allowedDestinations: [...DESTINATION_KINDS],
      updatesManaged: false,
      updateFeedManaged: false,
    };
  }
  const { policy } = machine;
  return {
    state: 'in-force',
    file: policy.file,
    problem: null,
    locked: [...policy.locked],
    allowedDestinations: [...policy.allowedDestinations],
    updatesManaged: policy.updates !== null,
    updateFeedManaged: policy.updates !== null && (!policy.updates.enabled || policy.updates.url !== null),
  };
}

/** The words the UI, the bridge and the command line use for a locked setting. */
export const MANAGED_REASON = 'Managed by your organization';

export class SettingLockedError extends Error {
  override readonly name = 'SettingLockedError';
  readonly settings: SettingName[];

  constructor(settings: SettingName[], file: string) {
    super(
      `${settings.map((s) => `"${s}"`).join(', ')} ${settings.length === 1 ? 'is' : 'are'} ${MANAGED_REASON.toLowerCase()} (policy ${file}) and cannot be changed here`,
    );
    this.settings = settings;
  }
}

/** No policy file: nothing managed (a test's or a fresh machine's). */
export const NO_POLICY_VIEW: PolicyView = viewOf(noPolicy(''));
