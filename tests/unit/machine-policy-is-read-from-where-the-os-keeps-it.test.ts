import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
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
  mkdirSync(dirname(LINUX_POLICY), { recursive: true });
  try {
    writeFileSync(LINUX_POLICY, text);
    return read();
  } finally {
    if (before !== null) writeFileSync(LINUX_POLICY, before);
    else rmSync(LINUX_POLICY, { force: true });
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
});
