import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMachinePolicy, machinePolicyPath } from '../../src-main/core/policy/policy-file.ts';
import { queryMachineRegistry, type RegQuery } from '../../src-main/core/policy/windows-program-data.ts';

const LINUX_POLICY = '/etc/recording-uploader/policy.json';

/**
 * Writes the real machine policy (the tests run as root), reads it, and puts back what was there.
 * All of it synchronous: other tests' processes read this path too, so it is there for an instant.
 */
function withMachinePolicy<T>(text: string, read: () => T): T {
  const folderExisted = existsSync(dirname(LINUX_POLICY));
  const before = existsSync(LINUX_POLICY) ? readFileSync(LINUX_POLICY) : null;
  const owner = before === null ? null : statSync(LINUX_POLICY);
  mkdirSync(dirname(LINUX_POLICY), { recursive: true });
  try {
    writeFileSync(LINUX_POLICY, text);
    return read();
  } finally {
    if (before !== null && owner !== null) {
      writeFileSync(LINUX_POLICY, before);
      chmodSync(LINUX_POLICY, owner.mode & 0o7777);
      chownSync(LINUX_POLICY, owner.uid, owner.gid);
    } else rmSync(LINUX_POLICY, { force: true });
    if (!folderExisted) rmdirSync(dirname(LINUX_POLICY));
  }
}

type WindowsValues = Partial<Record<'ProgramData' | 'SystemRoot', [type: string, data: string]>>;

/** A Windows as installed: Windows in C:\\WINDOWS, ProgramData left at the profile list's default. */
const SYSTEM_ON_C: WindowsValues = {
  ProgramData: ['REG_EXPAND_SZ', '%SystemDrive%\\ProgramData'],
  SystemRoot: ['REG_SZ', 'C:\\WINDOWS'],
};

/**
 * Answers `reg query KEY /v NAME` as reg.exe prints it (CRLF lines, four-space columns), from the
 * values given; a value not given is one reg.exe could not read (it exits 1, printing nothing here).
 */
function windowsRegistry(values: WindowsValues): RegQuery {
  return (args) => {
    const [, key, , name] = args;
    const value = values[name as keyof WindowsValues];
    if (key === undefined || name === undefined || value === undefined) return null;
    const [type, data] = value;
    return `\r\n${key.replace(/^HKLM/, 'HKEY_LOCAL_MACHINE')}\r\n    ${name}    ${type}    ${data}\r\n\r\n`;
  };
}

describe('the machine policy file', () => {
  it('is at the fixed place of each OS, which no variable of the app moves', () => {
    const saved = { ...process.env };
    process.env.RECORDING_UPLOADER_POLICY = '/tmp/mine.json';
    process.env.ProgramData = 'D:\\ProgramData';
    try {
      expect(machinePolicyPath('linux')).toBe(LINUX_POLICY);
      expect(machinePolicyPath('darwin')).toBe('/Library/Application Support/Recording Uploader/policy.json');
      expect(machinePolicyPath('win32', windowsRegistry(SYSTEM_ON_C))).toBe(
        'C:\\ProgramData\\Recording Uploader\\policy.json',
      );
      // Read with the real reg.exe, which this machine lacks: the fallback, not %ProgramData%.
      expect(machinePolicyPath('win32')).toBe('C:\\ProgramData\\Recording Uploader\\policy.json');
    } finally {
      process.env = saved;
    }
  });

  it("is under Windows' ProgramData as the machine's registry names it, never as the environment does", () => {
    // Windows on D:, the profile list's ProgramData left at its default.
    const onD = windowsRegistry({ ...SYSTEM_ON_C, SystemRoot: ['REG_SZ', 'D:\\WINDOWS'] });
    expect(machinePolicyPath('win32', onD)).toBe('D:\\ProgramData\\Recording Uploader\\policy.json');
    // An administrator moved ProgramData (a REG_SZ with no variable in it).
    const moved = windowsRegistry({ ...SYSTEM_ON_C, ProgramData: ['REG_SZ', 'E:\\Shared\\ProgramData'] });
    expect(machinePolicyPath('win32', moved)).toBe(
      'E:\\Shared\\ProgramData\\Recording Uploader\\policy.json',
    );
  });

  it("falls back to C:\\ProgramData when the registry cannot say, or says something that is not a machine's folder", () => {
    const fallback = 'C:\\ProgramData\\Recording Uploader\\policy.json';
    const cases: WindowsValues[] = [
      {}, // reg.exe missing or refused: nothing read
      { ProgramData: ['REG_EXPAND_SZ', '%SystemDrive%\\ProgramData'] }, // SystemRoot unreadable
      { ...SYSTEM_ON_C, ProgramData: ['REG_EXPAND_SZ', '%USERPROFILE%\\ProgramData'] }, // a user's variable
      { ...SYSTEM_ON_C, ProgramData: ['REG_SZ', '\\\\server\\share\\ProgramData'] }, // not a local drive
      { ...SYSTEM_ON_C, ProgramData: ['REG_SZ', 'C:\\ProgramData\\..\\Users\\op'] }, // climbs out
      { ...SYSTEM_ON_C, ProgramData: ['REG_DWORD', '0x1'] }, // not text
      { ...SYSTEM_ON_C, SystemRoot: ['REG_SZ', 'WINDOWS'] }, // no drive to take
    ];
    for (const values of cases) expect(machinePolicyPath('win32', windowsRegistry(values))).toBe(fallback);
  });

  it("asks the registry's 64-bit view for the profile list's ProgramData", () => {
    const calls: string[][] = [];
    machinePolicyPath('win32', (args) => {
      calls.push(args);
      return null;
    });
    expect(calls[0]).toEqual([
      'query',
      'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList',
      '/v',
      'ProgramData',
      '/reg:64',
    ]);
    // Where there is no C:\\Windows\\System32\\reg.exe (here), the query answers nothing, never throws.
    expect(queryMachineRegistry(calls[0] ?? [])).toBeNull();
  });

  it('is read from /etc/recording-uploader/policy.json on Linux', () => {
    const machine = withMachinePolicy(
      JSON.stringify({
        settings: { startAtLogin: true },
        locked: 'all',
        uploadOrigins: ['https://blob.example'],
      }),
      loadMachinePolicy,
    );
    expect(machine.state).toBe('in-force');
    if (machine.state !== 'in-force') return;
    expect(machine.policy.file).toBe(LINUX_POLICY);
    expect([...machine.policy.locked]).toEqual(['startAtLogin']);
    expect(machine.policy.uploadOrigins).toEqual(['https://blob.example']);
  });

  it('that does not validate is reported with the file and the key, never ignored', () => {
    const machine = withMachinePolicy(
      JSON.stringify({
        settings: { storageApiBaseUrl: 'http://storage.lan/api' },
        locked: ['storageApiBaseUrl'],
      }),
      loadMachinePolicy,
    );
    expect(machine).toMatchObject({
      state: 'invalid',
      file: LINUX_POLICY,
      problem: expect.stringContaining(
        `the policy ${LINUX_POLICY} is not valid: key "settings.storageApiBaseUrl"`,
      ),
    });
    const unknownKey = withMachinePolicy(JSON.stringify({ lockd: ['x'] }), loadMachinePolicy);
    expect(unknownKey).toMatchObject({ state: 'invalid', problem: expect.stringContaining('"lockd"') });
    const unknownSetting = withMachinePolicy(JSON.stringify({ locked: ['maxRetry'] }), loadMachinePolicy);
    expect(unknownSetting).toMatchObject({
      state: 'invalid',
      problem: expect.stringContaining('key "locked": unknown setting "maxRetry"'),
    });
  });

  it('that someone other than root could have written is not in force: uploads stop, naming the file and why', () => {
    const policy = JSON.stringify({ locked: ['deleteAfterUpload'] });
    const groupWritable = withMachinePolicy(policy, () => {
      chmodSync(LINUX_POLICY, 0o664);
      chownSync(LINUX_POLICY, 0, 1000);
      return loadMachinePolicy();
    });
    expect(groupWritable).toMatchObject({
      state: 'invalid',
      file: LINUX_POLICY,
      problem: `the policy ${LINUX_POLICY} is not in force: ${LINUX_POLICY} can be changed by its group (group 1000, mode 664); make it and its folder owned by root and writable by root only (chown root:root, chmod 644, its folder 755)`,
    });
    const userOwned = withMachinePolicy(policy, () => {
      chownSync(LINUX_POLICY, 1000, 1000);
      return loadMachinePolicy();
    });
    expect(userOwned).toMatchObject({
      state: 'invalid',
      problem: expect.stringContaining(`: ${LINUX_POLICY} is owned by user 1000, not root;`),
    });
    const folder = dirname(LINUX_POLICY);
    const openFolder = withMachinePolicy(policy, () => {
      const mode = statSync(folder).mode & 0o7777;
      chmodSync(folder, 0o777);
      try {
        return loadMachinePolicy();
      } finally {
        chmodSync(folder, mode);
      }
    });
    expect(openFolder).toMatchObject({
      state: 'invalid',
      problem: expect.stringContaining(`: ${folder} can be changed by any user (mode 777);`),
    });
    // Root's own file, read-only to the rest: in force.
    const rootOwned = withMachinePolicy(policy, () => {
      chmodSync(LINUX_POLICY, 0o644);
      return loadMachinePolicy();
    });
    expect(rootOwned.state).toBe('in-force');
  });
});
