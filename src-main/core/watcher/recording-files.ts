import path from 'node:path';

/**
 * Which names in the recordings folder mean what. Pure rules on file names only: the watcher
 * and the sidecar pairing both ask here, so a temp file is never mistaken for a recording.
 */

/** Suffixes that browsers, copy tools and recorders give a file while it is still being written. */
const PARTIAL_SUFFIXES = ['.part', '.tmp', '.crdownload'];

/** Lower-case extensions without the dot, so `.MP4`, `mp4` and `Mp4` in settings all mean the same. */
export function normaliseExtensions(extensions: readonly string[]): Set<string> {
  return new Set(extensions.map((ext) => ext.trim().replace(/^\./, '').toLowerCase()).filter(Boolean));
}

/** The extension of a file name, lower-case and without the dot ('' when there is none). */
export function extensionOf(fileName: string): string {
  return path.extname(fileName).slice(1).toLowerCase();
}

/** The file name without its last extension: the recording's own name. */
export function stemOf(fileName: string): string {
  const base = path.basename(fileName);
  const ext = path.extname(base);
  return ext === '' ? base : base.slice(0, -ext.length);
}

/**
 * Files never to touch: partial downloads and copies (`*.part`, `*.tmp`, `*.crdownload`), Office
 * owner files (`~$*`), and hidden dot-files (thumbnails, sync-client state, editor swap files).
 */
export function isIgnoredFileName(fileName: string): boolean {
  const base = path.basename(fileName);
  if (base.startsWith('.') || base.startsWith('~$')) return true;
  const lower = base.toLowerCase();
  return PARTIAL_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}

/**
 * A video the watcher should follow: one of the configured extensions and not a temp file. Pass
 * the result of `normaliseExtensions` when asking for many names; a plain list works too.
 */
export function isVideoFileName(
  fileName: string,
  videoExtensions: ReadonlySet<string> | readonly string[],
): boolean {
  const extensions = 'has' in videoExtensions ? videoExtensions : normaliseExtensions(videoExtensions);
  return !isIgnoredFileName(fileName) && extensions.has(extensionOf(fileName));
}

/** A file that may hold a recording's metadata: any `.json` that is not a temp file. */
export function isSidecarCandidateName(fileName: string): boolean {
  return !isIgnoredFileName(fileName) && extensionOf(fileName) === 'json';
}
