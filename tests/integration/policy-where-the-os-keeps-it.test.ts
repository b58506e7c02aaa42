import { chmodSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MACHINE_POLICY_DIR } from '../support/headless-cli.ts';
import { HeadlessFixture } from '../support/headless-fixture.ts';

const POLICY_FILE = `${MACHINE_POLICY_DIR}/policy.json`;

let fixture: HeadlessFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
  // The mount point the children needed, if they made it: empty, and left as it was found.
  try {
    rmdirSync(MACHINE_POLICY_DIR);
  } catch {
    // Not empty (another test's policy is there this instant), or never made: nothing to undo.
  }
});

/** A policy folder as an administrator deploys it: root's, 0755, the file 0644. */
function deployed(f: HeadlessFixture, policy: string): string {
  const dir = join(f.root, 'machine-policy');
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'policy.json'), policy, { mode: 0o644 });
  return dir;
}

describe('the machine policy at /etc/recording-uploader/policy.json, read by the real headless host', () => {
  it('locks a setting against --settings (exit 2) and import-wats-config (skipped, warned), and status shows it', async () => {
    const f = await HeadlessFixture.start({ settings: { maxRetries: 9 } });
    fixture = f;
    const machinePolicyDir = deployed(
      f,
      JSON.stringify({ settings: { maxRetries: 5 }, locked: ['maxRetries'] }),
    );

    const run = await f.run({ machinePolicyDir }).exited;
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `"maxRetries" is managed by your organization: locked by the policy ${POLICY_FILE}`,
    );

    const config = join(f.root, 'config.json');
    writeFileSync(config, JSON.stringify({ recording: { output_dir: f.folder }, api: { max_retries: 7 } }));
    const imported = await f.cli(['import-wats-config', config], { machinePolicyDir });
    expect(imported.code).toBe(0);
    expect(imported.stderr).toBe(
      `Warning: skipped "maxRetries" from ${config}: managed by your organization (locked by the policy ${POLICY_FILE})\n`,
    );
    const status = await f.cli(['status'], { machinePolicyDir });
    expect(status.stdout).toContain(`Policy: ${POLICY_FILE} in force — locked: maxRetries;`);
  });

  it('a malformed one, or one that others may write, stops uploads with its message', async () => {
    const f = await HeadlessFixture.start();
    fixture = f;
    const malformed = deployed(f, '{"locked": ["maxRetries"');
    const broken = await f.cli(['status'], { machinePolicyDir: malformed });
    expect(broken.stdout).toContain(`Policy: the policy ${POLICY_FILE} is not valid JSON`);
    expect(broken.stdout).toContain('— uploads are stopped');

    const open = deployed(f, JSON.stringify({ locked: ['maxRetries'] }));
    chmodSync(open, 0o777);
    const writable = await f.cli(['status'], { machinePolicyDir: open });
    expect(writable.stdout).toContain(
      `Policy: the policy ${POLICY_FILE} is not in force: ${MACHINE_POLICY_DIR} can be changed by any user (mode 777)`,
    );
  });
});
