import { z } from 'zod';
import { endpointUrl } from './endpoints.ts';
import { parseUploadRateLimit } from './upload-rate-limit.ts';

export const DESTINATION_KINDS = ['storage-api', 'onedrive', 'gdrive'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

export const CPU_PRIORITIES = ['below-normal', 'normal'] as const;
export type CpuPriority = (typeof CPU_PRIORITIES)[number];

export const UI_LANGUAGES = ['auto', 'en', 'pt-BR'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

const MiB = 1024 * 1024;

/**
 * The file types a recording may have: video containers only. Whoever can change settings (a
 * compromised window, the web UI's address in the wrong hands) must not be able to make the
 * uploader take documents for recordings — and, with deleteAfterUpload, delete them once stored.
 */
export const VIDEO_EXTENSIONS = [
  'mp4',
  'm4v',
  'mkv',
  'webm',
  'avi',
  'mov',
  'wmv',
  'asf',
  'flv',
  'ts',
  'mts',
  'm2ts',
  'mpg',
  'mpeg',
  '3gp',
  'ogv',
] as const;

/** A remote folder chosen by the operator: kept by id (renaming it breaks nothing), shown by path. */
export const remoteFolderSchema = z
  .object({
    id: z.string().min(1),
    /** OneDrive: the drive that holds the folder. */
    driveId: z.string().min(1).nullable().default(null),
    path: z.string(),
  })
  .strict();
export type RemoteFolderRef = z.infer<typeof remoteFolderSchema>;

/**
 * Every setting the core reads, with its default. Flat on purpose: the headless host takes
 * overrides by these exact names, and an unknown name is an error rather than a silent no-op.
 */
export const settingsSchema = z
  .object({
    recordingsFolder: z.string().default(''),
    videoExtensions: z
      .array(
        z
          .string()
          .regex(/^[a-z0-9]+$/i, 'an extension is letters and digits, without the dot')
          .refine((extension) => (VIDEO_EXTENSIONS as readonly string[]).includes(extension.toLowerCase()), {
            message: `only video file types are recordings (${VIDEO_EXTENSIONS.join(', ')})`,
          }),
      )
      .min(1)
      .default(['mp4', 'mkv', 'webm', 'avi', 'mov']),
    settleSeconds: z.number().int().min(1).max(3600).default(30),
    maxConcurrentUploads: z.number().int().min(1).max(16).default(2),
    chunkSizeBytes: z
      .number()
      .int()
      .min(256 * 1024)
      .max(60 * MiB)
      .default(10 * MiB),
    maxRetries: z.number().int().min(0).max(100).default(3),
    deleteAfterUpload: z.boolean().default(false),
    uploadOlderRecordings: z.boolean().default(true),
    maxFileAgeDays: z.number().int().min(1).max(3650).default(7),
    /** Below this much free space on the recordings volume the health warns; 0: never. */
    diskWarnBelowBytes: z
      .number()
      .int()
      .min(0)
      .max(1024 * 1024 * MiB)
      .default(2 * 1024 * MiB),
    /** Counted from the last byte that moved, so a low upload limit never times a request out. */
    requestTimeoutSeconds: z.number().int().min(5).max(86_400).default(300),
    /** How often the destination's listing is checked against the ledger (reconcile); 0: never. */
    reconcileEveryDays: z.number().int().min(0).max(365).default(7),
    /** Every few minutes, this machine's heartbeat in the destination's _recording-uploader folder. */
    fleetHeartbeat: z.boolean().default(true),
    /** rclone's --bwlimit syntax: off, a rate (2M), or a timetable (Mon-08:00,2M Mon-18:00,off). */
    uploadRateLimit: z
      .string()
      .default('off')
      .superRefine((text, context) => {
        const parsed = parseUploadRateLimit(text);
        if (!parsed.ok) context.addIssue({ code: 'custom', message: parsed.problem });
      }),
    /** below-normal: the uploader only takes CPU the operator's own work leaves over. */
    cpuPriority: z.enum(CPU_PRIORITIES).default('below-normal'),
    uploadsPaused: z.boolean().default(false),
    /** Epoch milliseconds; uploads resume by themselves then. Null: paused until resumed. */
    pausedUntil: z.number().int().nullable().default(null),
    activeDestination: z.enum(DESTINATION_KINDS).default('storage-api'),
    /** The UI's language; 'auto' follows the OS (desktop) or the browser. */
    language: z.enum(UI_LANGUAGES).default('auto'),
    /** Desktop app: start hidden in the tray at login. Only a packaged app registers itself. */
    startAtLogin: z.boolean().default(true),
    /** Desktop app: the generic update feed (latest.yml…) the company hosts; '' = no updates. https only. */
    updateFeedUrl: z.union([z.literal(''), z.url({ protocol: /^https$/ })]).default(''),
    storageApiBaseUrl: endpointUrl([], true).default(''),
    remoteSubfolderTemplate: z.string().max(400).default(''),

    // OneDrive (Microsoft Graph). The app registration is the company's own where it has one.
    oneDriveClientId: z.string().default(''),
    oneDriveTenant: z.string().min(1).default('common'),
    oneDriveAuthorityHost: z.url({ protocol: /^https$/ }).default('https://login.microsoftonline.com'),
    graphBaseUrl: endpointUrl([]).default('https://graph.microsoft.com/v1.0'),
    oneDriveConflictBehavior: z.enum(['rename', 'fail', 'replace']).default('rename'),
    oneDriveFolder: remoteFolderSchema.nullable().default(null),

    // Google Drive. A desktop client's secret is not secret (Google says so): it is configuration.
    googleClientId: z.string().default(''),
    googleClientSecret: z.string().default(''),
    /** drive.file: only what the app creates; drive: any folder the operator picks. */
    googleDriveScope: z.enum(['drive.file', 'drive']).default('drive.file'),
    googleAuthUrl: endpointUrl([]).default('https://accounts.google.com/o/oauth2/v2/auth'),
    googleTokenUrl: endpointUrl([]).default('https://oauth2.googleapis.com/token'),
    googleRevokeUrl: endpointUrl([]).default('https://oauth2.googleapis.com/revoke'),
    driveApiBaseUrl: endpointUrl([]).default('https://www.googleapis.com'),
    googleDriveFolder: remoteFolderSchema.nullable().default(null),
    /** Bytes per resumable chunk sent to Drive; the smaller of this and chunkSizeBytes is used. */
    googleDriveChunkSizeBytes: z
      .number()
      .int()
      .min(256 * 1024)
      .max(60 * MiB)
      .multipleOf(256 * 1024, 'Drive takes chunks in multiples of 256 KiB (262144 bytes)')
      .default(8 * MiB),
  })
  .strict();

export type Settings = z.infer<typeof settingsSchema>;
export type SettingName = keyof Settings;
export const SETTING_NAMES = Object.keys(settingsSchema.shape) as SettingName[];

export const defaultSettings = (): Settings => settingsSchema.parse({});

export type SettingsResult = { ok: true; settings: Settings } | { ok: false; problems: string[] };

/** What an administrator's policy adds to the schema's own rules. */
export interface SettingsRules {
  /** Plain-http origins (a test network) an endpoint setting may name besides loopback ones. */
  plainHttpOrigins: readonly string[];
}

export const NO_EXTRA_RULES: SettingsRules = { plainHttpOrigins: [] };

/** The schema with the policy's plain-http origins accepted as endpoints. */
export function settingsSchemaFor(rules: SettingsRules) {
  if (rules.plainHttpOrigins.length === 0) return settingsSchema;
  const allowed = rules.plainHttpOrigins;
  const shape = settingsSchema.shape;
  return settingsSchema.extend({
    storageApiBaseUrl: endpointUrl(allowed, true).default(shape.storageApiBaseUrl.def.defaultValue),
    graphBaseUrl: endpointUrl(allowed).default(shape.graphBaseUrl.def.defaultValue),
    googleAuthUrl: endpointUrl(allowed).default(shape.googleAuthUrl.def.defaultValue),
    googleTokenUrl: endpointUrl(allowed).default(shape.googleTokenUrl.def.defaultValue),
    googleRevokeUrl: endpointUrl(allowed).default(shape.googleRevokeUrl.def.defaultValue),
    driveApiBaseUrl: endpointUrl(allowed).default(shape.driveApiBaseUrl.def.defaultValue),
  });
}

/** Merges overrides onto a base and validates the result, naming each setting at fault. */
export function applySettings(
  base: Partial<Settings>,
  overrides: unknown,
  rules: SettingsRules = NO_EXTRA_RULES,
): SettingsResult {
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    return { ok: false, problems: ['settings must be a JSON object of setting names to values'] };
  }
  const parsed = settingsSchemaFor(rules).safeParse({ ...base, ...overrides });
  if (parsed.success) return { ok: true, settings: parsed.data };
  return { ok: false, problems: parsed.error.issues.map(describeIssue) };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown setting ${issue.keys.map((k) => `"${k}"`).join(', ')} (known: ${SETTING_NAMES.join(', ')})`;
  }
  const name = issue.path.join('.') || 'settings';
  return `setting "${name}": ${issue.message}`;
}
