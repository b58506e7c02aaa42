import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMachinePolicy, machinePolicyPath } from '../../src-main/core/policy/policy-file.ts';

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

describe('the machine policy file', () => {
  it('is at the fixed place of each OS, which no variable of the app moves', () => {
    expect(machinePolicyPath('linux', { RECORDING_UPLOADER_POLICY: '/tmp/mine.json' })).toBe(LINUX_POLICY);
    expect(machinePolicyPath('darwin')).toBe('/Library/Application Support/Recording Uploader/policy.json');
    expect(machinePolicyPath('win32', { ProgramData: 'D:\\ProgramData' })).toBe(
      'D:\\ProgramData\\Recording Uploader\\policy.json',
    );
    // A ProgramData pointed at a folder of the user's own is not taken.
    expect(machinePolicyPath('win32', { ProgramData: 'C:\\Users\\op\\fake' })).toBe(
      'C:\\ProgramData\\Recording Uploader\\policy.json',
    );
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
