/**
 * The `remoteSubfolderTemplate` setting every cloud destination honours: a path below the chosen
 * folder, made of literal text and fields in braces, e.g. `{yyyy}/{MM}/{dd}` or
 * `{connection.name}/{yyyy}-{MM}`.
 *
 * Date fields come from the recording's start time (the sidecar's `start_time`, else the file's
 * modification time), in local time: yyyy, MM, dd, HH, mm. Any other field is a dotted path into
 * the sidecar JSON (`connection.name` also finds `connection_info.name`). A field with no value
 * becomes `unknown`, so a recording is never held back by its template.
 */
export interface TemplateInput {
  /** Epoch ms of the recording's start. */
  startedAt: number;
  sidecar: Record<string, unknown> | null;
}

const FIELD = /\{([^{}]+)\}/g;
const DATE_FIELDS: Record<string, (d: Date) => string> = {
  yyyy: (d) => String(d.getFullYear()),
  MM: (d) => pad(d.getMonth() + 1),
  dd: (d) => pad(d.getDate()),
  HH: (d) => pad(d.getHours()),
  mm: (d) => pad(d.getMinutes()),
};

/** Expands the template into path segments; each segment is cleaned by `cleanSegment`. */
export function expandTemplate(
  template: string,
  input: TemplateInput,
  cleanSegment: (segment: string) => string = (s) => s,
): string[] {
  const date = new Date(input.startedAt);
  return template
    .split('/')
    .map((part) =>
      part.replace(FIELD, (_match, name: string) => {
        const key = name.trim();
        const dateField = DATE_FIELDS[key];
        return dateField ? dateField(date) : fieldValue(input.sidecar, key);
      }),
    )
    .map((segment) => cleanSegment(segment.trim()))
    .filter((segment) => segment !== '');
}

/** Names the fields a template uses that it does not know, for the settings screen's validation. */
export function unknownDateLikeFields(template: string): string[] {
  const unknown: string[] = [];
  for (const match of template.matchAll(FIELD)) {
    const key = (match[1] ?? '').trim();
    if (/^[yYMdDhHms]+$/.test(key) && DATE_FIELDS[key] === undefined) unknown.push(key);
  }
  return unknown;
}

/** The recording's start: the sidecar's `start_time` when it parses, else the fallback. */
export function recordingStart(sidecar: Record<string, unknown> | null, fallbackMs: number): number {
  const value = sidecar?.start_time;
  if (typeof value !== 'string') return fallbackMs;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? fallbackMs : parsed;
}

function fieldValue(sidecar: Record<string, unknown> | null, key: string): string {
  const paths = [key.split('.')];
  if (key.startsWith('connection.')) paths.push(['connection_info', ...key.split('.').slice(1)]);
  for (const path of paths) {
    const value = path.reduce<unknown>(
      (node, step) =>
        typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[step] : undefined,
      sidecar,
    );
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  }
  return 'unknown';
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
