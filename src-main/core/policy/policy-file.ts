import { readFileSync, statSync } from 'node:fs';
import { dirname, posix, win32 } from 'node:path';
import { type MachinePolicy, readPolicy } from '../../../src-shared/policy.ts';
import { queryMachineRegistry, type RegQuery, windowsProgramData } from './windows-program-data.ts';

const FOLDER = 'Recording Uploader';
const FILE = 'policy.json';

/**
 * Where an administrator puts the machine's policy: a folder only administrators can write, the
 * same for every user of the machine. Fixed by the OS alone: no setting, flag or variable of this
 * app or of the user's environment moves it, so an operator cannot point the app at a policy of
 * their own. On Windows the ProgramData folder is read from the machine's registry, not from
 * %ProgramData%, which a user may set for a process they start.
 */
export function machinePolicyPath(
  platform: NodeJS.Platform = process.platform,
  registry: RegQuery = queryMachineRegistry,
): string {
  if (platform === 'win32') return win32.join(windowsProgramData(registry), FOLDER, FILE);
  if (platform === 'darwin') return posix.join('/Library/Application Support', FOLDER, FILE);
  return posix.join('/etc/recording-uploader', FILE);
}

/**
 * The policy at `file`: none when there is no file; `invalid` — never ignored — when it cannot be
 * read, is not JSON or does not validate, with a message naming the file and the key.
 */
export function loadPolicyFile(file: string): MachinePolicy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return { state: 'none', file };
    const reason = error instanceof Error ? error.message : String(error);
    return { state: 'invalid', file, problem: `the policy ${file} cannot be read (${reason})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { state: 'invalid', file, problem: `the policy ${file} is not valid JSON (${reason})` };
  }
  const result = readPolicy(file, json);
  return result.ok
    ? { state: 'in-force', policy: result.policy }
    : { state: 'invalid', file, problem: result.problem };
}

/**
 * The policy of this machine, read from where the OS keeps it. On Linux and macOS a policy that
 * someone other than root could have written (the file or its folder) is not in force: it stops
 * uploads, as an invalid one does, rather than letting whoever wrote it lock or open settings.
 */
export function loadMachinePolicy(): MachinePolicy {
  const file = machinePolicyPath();
  const machine = loadPolicyFile(file);
  if (machine.state === 'none' || process.platform === 'win32') return machine;
  const problem = notOnlyRootsToWrite(file);
  if (problem === null) return machine;
  return {
    state: 'invalid',
    file,
    problem: `the policy ${file} is not in force: ${problem}; make it and its folder owned by root and writable by root only (chown root:root, chmod 644, its folder 755)`,
  };
}

/** Groups whose members are administrators: root's (wheel on macOS) and macOS's admin. */
const ADMIN_GROUPS = new Set(process.platform === 'darwin' ? [0, 80] : [0]);

/** Why someone other than an administrator could change `file` (or put another in its place), or null. */
function notOnlyRootsToWrite(file: string): string | null {
  for (const path of [file, dirname(file)]) {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats === undefined) continue;
    const mode = (stats.mode & 0o777).toString(8);
    if (stats.uid !== 0) return `${path} is owned by user ${stats.uid}, not root`;
    if ((stats.mode & 0o002) !== 0) return `${path} can be changed by any user (mode ${mode})`;
    if ((stats.mode & 0o020) !== 0 && !ADMIN_GROUPS.has(stats.gid))
      return `${path} can be changed by its group (group ${stats.gid}, mode ${mode})`;
  }
  return null;
}
