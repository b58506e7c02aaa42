import { readFileSync } from 'node:fs';
import { posix, win32 } from 'node:path';
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

/** The policy of this machine, read from where the OS keeps it. */
export const loadMachinePolicy = (): MachinePolicy => loadPolicyFile(machinePolicyPath());
