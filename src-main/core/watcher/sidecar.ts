import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Sidecar } from '../recording.ts';
import { describeFsError } from './fs-problem.ts';
import { isSidecarCandidateName, stemOf } from './recording-files.ts';

/**
 * A recording's metadata sidecar: which JSON file belongs to which video, and what it says.
 *
 * Pairing order for a video `NAME.ext`:
 *   1. `NAME_metadata.json` next to it,
 *   2. `NAME.json` next to it,
 *   3. any other `.json` in the same folder whose `session_id` equals NAME, or whose `video_file`
 *      names the video (its file name, its name without extension, or a path ending in its file
 *      name). The first match in file-name order wins, so the answer never depends on the order
 *      the operating system lists the folder in.
 */

/** Sidecars are a few kilobytes; anything this large is not one and is never read whole. */
export const MAX_SIDECAR_BYTES = 4 * 1024 * 1024;

/** Windows compares file names without regard to case; the other systems do not. */
const FOLD_CASE = process.platform === 'win32';

export async function findSidecar(videoPath: string): Promise<string | null> {
  const folder = path.dirname(videoPath);
  const fileName = path.basename(videoPath);
  const name = stemOf(fileName);
  for (const candidate of [`${name}_metadata.json`, `${name}.json`]) {
    const candidatePath = path.join(folder, candidate);
    if (await isFile(candidatePath)) return candidatePath;
  }
  return findSidecarByContent(folder, fileName, name);
}

export async function readSidecar(sidecarPath: string): Promise<Sidecar> {
  const problem = (reason: string): Sidecar => ({
    path: sidecarPath,
    json: null,
    problem: `metadata file "${sidecarPath}" ${reason}`,
  });
  let bytes: Buffer;
  try {
    const info = await stat(sidecarPath);
    if (!info.isFile()) return problem('is not a file');
    if (info.size > MAX_SIDECAR_BYTES) {
      return problem(
        `is ${info.size} bytes, larger than the ${MAX_SIDECAR_BYTES} bytes a metadata file may be`,
      );
    }
    bytes = await readFile(sidecarPath);
  } catch (error) {
    return problem(`cannot be read: ${describeFsError(error)}`);
  }
  const parsed = parseJsonObject(bytes.toString('utf8'));
  if (typeof parsed === 'string') return problem(parsed);
  return { path: sidecarPath, json: parsed, bytes, problem: null };
}

/** The recording's own id, stable across retries: the sidecar's `session_id`, else the video's name. */
export function recordingIdOf(videoPath: string, sidecar: Sidecar | null): string {
  const sessionId = sidecar?.json?.session_id;
  if (typeof sessionId === 'string' && sessionId.trim() !== '') return sessionId;
  return stemOf(path.basename(videoPath));
}

/** The parsed object, or the reason it is not one. */
function parseJsonObject(text: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    // Windows tools often write a byte-order mark, which JSON.parse rejects.
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return `is not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `is not a JSON object (it holds ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`})`;
  }
  return value as Record<string, unknown>;
}

async function isFile(candidatePath: string): Promise<boolean> {
  try {
    return (await stat(candidatePath)).isFile();
  } catch {
    return false;
  }
}

async function findSidecarByContent(folder: string, fileName: string, name: string): Promise<string | null> {
  const candidates = await sidecarCandidates(folder);
  for (const candidate of candidates) {
    const candidatePath = path.join(folder, candidate);
    const keys = await pairingKeysOf(candidatePath);
    if (keys !== null && namesVideo(keys, fileName, name)) return candidatePath;
  }
  return null;
}

/**
 * The sidecars of several videos of one folder (recordings that settled together), by the same
 * pairing order as findSidecar, from one listing of the folder (the one kept while the folder does
 * not change, else a new one): thousands of recordings settling in a folder that changed moments
 * ago would otherwise list it once each. Each answer is the sidecar's path or null, in the order of
 * `fileNames`.
 */
export async function findSidecars(
  folder: string,
  fileNames: readonly string[],
): Promise<Array<string | null>> {
  const listed = await sidecarCandidates(folder);
  const byName = new Set(listed);
  // A name spelled otherwise (case on Windows, composed or decomposed accents) is found as stat finds it there.
  const byNormalName = new Map<string, string>();
  for (const name of listed)
    if (!byNormalName.has(normalName(name))) byNormalName.set(normalName(name), name);
  const answers = await Promise.all(
    fileNames.map((fileName) => {
      const name = stemOf(fileName);
      return firstListedFile(folder, byName, byNormalName, [`${name}_metadata.json`, `${name}.json`]);
    }),
  );
  const unpaired = [...answers.keys()].filter((at) => answers[at] === null);
  if (unpaired.length === 0 || listed.length === 0) return answers;
  const index = await contentIndex(folder, listed);
  for (const at of unpaired) answers[at] = index.find(fileNames[at] ?? '');
  return answers;
}

/** The first of the names that is listed and is a file (a link is followed, as findSidecar's stat does). */
async function firstListedFile(
  folder: string,
  byName: ReadonlySet<string>,
  byNormalName: ReadonlyMap<string, string>,
  names: readonly string[],
): Promise<string | null> {
  for (const name of names) {
    const listedName = byName.has(name) ? name : byNormalName.get(normalName(name));
    if (listedName === undefined) continue;
    const candidatePath = path.join(folder, listedName);
    if (await isFile(candidatePath)) return candidatePath;
  }
  return null;
}

/**
 * Every candidate's pairing keys, read once, indexed by the names they give: for each key the first
 * candidate in file-name order, so a lookup answers what findSidecarByContent's walk would.
 */
async function contentIndex(folder: string, candidates: readonly string[]) {
  const keys = await Promise.all(candidates.map((candidate) => pairingKeysOf(path.join(folder, candidate))));
  const bySessionId = new Map<string, number>();
  const byVideoFile = new Map<string, number>();
  const byLastSegment = new Map<string, number>();
  const keep = (map: Map<string, number>, key: string, at: number) => {
    const normal = normalName(key);
    if (!map.has(normal)) map.set(normal, at);
  };
  for (const [at, found] of keys.entries()) {
    if (found === null) continue;
    if (found.sessionId !== null) keep(bySessionId, found.sessionId, at);
    if (found.videoFile !== null) {
      keep(byVideoFile, found.videoFile, at);
      keep(byLastSegment, found.videoFile.split(/[\\/]/).pop() ?? '', at);
    }
  }
  return {
    find(fileName: string): string | null {
      const file = normalName(fileName);
      const name = normalName(stemOf(fileName));
      const matches = [
        bySessionId.get(name),
        byVideoFile.get(file),
        byVideoFile.get(name),
        byLastSegment.get(file),
      ].filter((at) => at !== undefined);
      if (matches.length === 0) return null;
      return path.join(folder, candidates[Math.min(...matches)] ?? '');
    },
  };
}

/**
 * A folder's possible sidecars, listed once while the folder does not change: thousands of
 * recordings settling in one folder would otherwise list it once each (a quadratic start-up).
 * A listing is kept only when the folder's modification time was at least LISTING_TRUSTED_AFTER_MS
 * old when it was taken, so a change within the file system's timestamp granularity cannot hide
 * behind an unchanged time (the racy-git rule).
 */
const LISTING_TRUSTED_AFTER_MS = 3000;
const listings = new Map<string, { mtimeMs: number; names: string[] }>();

async function sidecarCandidates(folder: string): Promise<string[]> {
  let mtimeMs: number;
  let entries: Dirent[];
  try {
    mtimeMs = (await stat(folder)).mtimeMs;
    const kept = listings.get(folder);
    if (kept !== undefined && kept.mtimeMs === mtimeMs) return kept.names;
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    listings.delete(folder);
    return [];
  }
  const names = entries
    .filter((entry) => !entry.isDirectory() && isSidecarCandidateName(entry.name))
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (Date.now() - mtimeMs >= LISTING_TRUSTED_AFTER_MS) listings.set(folder, { mtimeMs, names });
  else listings.delete(folder);
  return names;
}

interface PairingKeys {
  sessionId: string | null;
  videoFile: string | null;
}

function namesVideo(keys: PairingKeys, fileName: string, name: string): boolean {
  if (keys.sessionId !== null && sameName(keys.sessionId, name)) return true;
  if (keys.videoFile === null) return false;
  const lastSegment = keys.videoFile.split(/[\\/]/).pop() ?? '';
  return (
    sameName(keys.videoFile, fileName) || sameName(keys.videoFile, name) || sameName(lastSegment, fileName)
  );
}

/** Non-ASCII names may reach us composed or decomposed (macOS writes NFD); compare them as NFC. */
function sameName(a: string, b: string): boolean {
  return normalName(a) === normalName(b);
}

function normalName(name: string): string {
  const composed = name.normalize('NFC');
  return FOLD_CASE ? composed.toLowerCase() : composed;
}

/**
 * Pairing by content reads every JSON in the folder for each unpaired video; remembering each
 * file's keys by size and mtime keeps a scan of a large folder from reading them all again.
 */
const keysCache = new Map<string, { sizeBytes: number; mtimeMs: number; keys: PairingKeys | null }>();
const KEYS_CACHE_LIMIT = 10_000;

async function pairingKeysOf(candidatePath: string): Promise<PairingKeys | null> {
  try {
    const info = await stat(candidatePath);
    if (!info.isFile() || info.size > MAX_SIDECAR_BYTES) return null;
    const cached = keysCache.get(candidatePath);
    if (cached && cached.sizeBytes === info.size && cached.mtimeMs === info.mtimeMs) return cached.keys;
    const parsed = parseJsonObject(await readFile(candidatePath, 'utf8'));
    const keys =
      typeof parsed === 'string'
        ? null
        : { sessionId: stringOrNull(parsed.session_id), videoFile: stringOrNull(parsed.video_file) };
    remember(candidatePath, { sizeBytes: info.size, mtimeMs: info.mtimeMs, keys });
    return keys;
  } catch {
    return null;
  }
}

function remember(
  candidatePath: string,
  entry: { sizeBytes: number; mtimeMs: number; keys: PairingKeys | null },
) {
  keysCache.delete(candidatePath);
  keysCache.set(candidatePath, entry);
  if (keysCache.size > KEYS_CACHE_LIMIT) {
    const oldest = keysCache.keys().next();
    if (!oldest.done) keysCache.delete(oldest.value);
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
