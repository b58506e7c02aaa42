/**
 * OneDrive's naming rules (Microsoft's "Restrictions and limitations in OneDrive and SharePoint"):
 * no `" * : < > ? / \ |` or control characters, no leading or trailing spaces, no trailing dot,
 * none of the reserved names, nothing containing `_vti_`, no name starting `~$`, at most 255
 * characters a name and a whole path under 400.
 */
const FORBIDDEN = /["*:<>?/\\|]/g;
// Control characters cannot be typed into a name, and OneDrive refuses them.
const isControl = (char: string): boolean => (char.codePointAt(0) ?? 0) < 0x20 || char === '\u007f';
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9]|\.lock|desktop\.ini)$/i;
const MAX_NAME = 255;
export const MAX_PATH = 399;

/** A valid OneDrive name for `name`, as close to it as the rules allow. */
export function oneDriveName(name: string, maxLength: number = MAX_NAME): string {
  let cleaned = [...name.normalize('NFC')]
    .map((char) => (isControl(char) ? '_' : char))
    .join('')
    .replace(FORBIDDEN, '_')
    .replace(/_vti_/gi, '_vti-');
  if (cleaned.startsWith('~$')) cleaned = `_${cleaned.slice(2)}`;
  cleaned = trimEnds(cleaned);
  const { stem, extension } = splitExtension(cleaned);
  if (RESERVED.test(stem) || RESERVED.test(cleaned)) cleaned = `_${cleaned}`;
  cleaned = shorten(cleaned, Math.max(1, Math.min(MAX_NAME, maxLength)), extension);
  return cleaned === '' ? 'unnamed' : cleaned;
}

/** A name valid for OneDrive that keeps `path + "/" + name` under the path limit. */
export function oneDriveNameIn(folderPath: string, name: string): string {
  const room = MAX_PATH - folderPath.replace(/\/+$/, '').length - 1;
  return oneDriveName(name, Math.max(room, 16));
}

/** Leading spaces, and trailing spaces and dots, which OneDrive strips or refuses. */
function trimEnds(name: string): string {
  return name.replace(/^ +/, '').replace(/[ .]+$/, '');
}

function splitExtension(name: string): { stem: string; extension: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return { stem: name, extension: '' };
  return { stem: name.slice(0, dot), extension: name.slice(dot) };
}

/** Cuts the stem, never the extension, so a long recording keeps its type. */
function shorten(name: string, max: number, extension: string): string {
  const chars = [...name];
  if (chars.length <= max) return name;
  const ext = [...extension];
  if (ext.length >= max) return trimEnds(chars.slice(0, max).join(''));
  const stem = chars.slice(0, chars.length - ext.length);
  return `${trimEnds(stem.slice(0, max - ext.length).join(''))}${extension}`;
}

/**
 * `name` itself, or the name Graph gives a file under conflict behaviour rename: "stem N.ext"
 * (OneDrive numbers from 1; the comparison ignores case, as OneDrive's names do).
 */
export function isNameOrRename(candidate: string, name: string): boolean {
  const wanted = name.toLowerCase();
  const seen = candidate.toLowerCase();
  if (seen === wanted) return true;
  const dot = wanted.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [wanted.slice(0, dot), wanted.slice(dot)] : [wanted, ''];
  if (!seen.startsWith(`${stem} `) || !seen.endsWith(ext)) return false;
  return /^[1-9]\d*$/.test(seen.slice(stem.length + 1, seen.length - ext.length));
}
