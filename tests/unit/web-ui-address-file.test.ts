import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readWebUiAddress, saveWebUiAddress } from '../../src-main/headless/web-ui/web-ui-address.ts';
import { newSecret } from '../../src-main/headless/web-ui/web-ui-gate.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function file(): string {
  const dir = mkdtempSync(join(tmpdir(), 'web-ui-address-'));
  dirs.push(dir);
  return join(dir, 'web-ui.json');
}

describe('the web UI address kept in the data folder', () => {
  it('reads back what was saved, readable by the operator alone', () => {
    const path = file();
    expect(readWebUiAddress(path)).toBeNull();
    const address = { port: 41_234, secret: newSecret() };
    saveWebUiAddress(path, address);
    expect(readWebUiAddress(path)).toEqual(address);
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('takes a file it did not write for none, so a new secret is made rather than a weak one kept', () => {
    const path = file();
    for (const text of [
      'not json',
      `{"port":0,"secret":"${newSecret()}"}`,
      '{"port":8080,"secret":"short"}',
      '[]',
    ]) {
      writeFileSync(path, text);
      expect(readWebUiAddress(path)).toBeNull();
    }
  });
});
