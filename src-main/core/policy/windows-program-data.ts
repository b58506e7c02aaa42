import { execFileSync } from 'node:child_process';
import { win32 } from 'node:path';

/** Runs `reg.exe` with these arguments: what it printed, or null when it could not answer. */
export type RegQuery = (args: string[]) => string | null;

/**
 * reg.exe by its absolute path, never looked up: a PATH or a working folder of the user's own
 * cannot put another program in its place. Where Windows is not on C: it is not there, and the
 * fallback below applies.
 */
const REG_EXE = 'C:\\Windows\\System32\\reg.exe';
const PROFILE_LIST = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList';
const CURRENT_VERSION = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion';
const FALLBACK = 'C:\\ProgramData';

/**
 * Windows' ProgramData folder as the machine's registry names it — the profile list's
 * `ProgramData`, the value Windows itself sets `%ProgramData%` from — which only an administrator
 * can change. The environment variable is not read: a user sets it for any process they start.
 *
 * The value is usually `%SystemDrive%\ProgramData`; `%SystemDrive%` and `%SystemRoot%` are expanded
 * from the registry's `SystemRoot` too, never from the environment. Anything else (an unreadable
 * registry, another variable, a network or relative path, a `..`) gives `C:\ProgramData`.
 */
export function windowsProgramData(query: RegQuery = queryMachineRegistry): string {
  const raw = readValue(query, PROFILE_LIST, 'ProgramData');
  if (raw === null) return FALLBACK;
  const expanded = raw.includes('%') ? expandSystemVariables(raw, query) : raw;
  return expanded !== null && isMachineFolder(expanded) ? win32.normalize(expanded) : FALLBACK;
}

/** `%SystemDrive%` and `%SystemRoot%` from the registry's SystemRoot; null for any other variable. */
function expandSystemVariables(raw: string, query: RegQuery): string | null {
  const systemRoot = readValue(query, CURRENT_VERSION, 'SystemRoot');
  if (systemRoot === null || !/^[A-Za-z]:\\/.test(systemRoot)) return null;
  const known: Record<string, string> = { systemdrive: systemRoot.slice(0, 2), systemroot: systemRoot };
  const expanded = raw.replace(/%([^%]+)%/g, (whole, name: string) => known[name.toLowerCase()] ?? whole);
  return expanded.includes('%') ? null : expanded;
}

/** A folder on a local drive, absolute, that does not climb out of itself. */
function isMachineFolder(path: string): boolean {
  if (!/^[A-Za-z]:\\/.test(path) || /[%"<>|?*\r\n]/.test(path.slice(2))) return false;
  return !path.split('\\').some((part) => part === '..' || part === '.');
}

/** A text value (REG_SZ or REG_EXPAND_SZ, unexpanded) of `key`, from reg.exe's listing. */
function readValue(query: RegQuery, key: string, name: string): string | null {
  const output = query(['query', key, '/v', name, '/reg:64']);
  if (output === null) return null;
  for (const line of output.split(/\r?\n/)) {
    // "    ProgramData    REG_EXPAND_SZ    %SystemDrive%\ProgramData": four-space columns.
    const match = /^ {4}(.+?) {4}(REG_\w+) {4}(.*)$/.exec(line);
    if (match?.[1]?.toLowerCase() !== name.toLowerCase()) continue;
    return match[2] === 'REG_SZ' || match[2] === 'REG_EXPAND_SZ' ? (match[3] ?? '').trim() || null : null;
  }
  return null;
}

/** Asks the fixed reg.exe (the 64-bit view, as the app is 64-bit); null when it is missing or fails. */
export function queryMachineRegistry(args: string[]): string | null {
  try {
    return execFileSync(REG_EXE, args, {
      encoding: 'utf8',
      windowsHide: true,
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return null;
  }
}
