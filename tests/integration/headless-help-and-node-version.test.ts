import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript script, so that any Node can run it
import { nodeVersionProblem } from '../../scripts/check-node.mjs';
import { COMMAND_NAMES } from '../../src-main/headless/cli.ts';
import { runCli } from '../support/headless-cli.ts';

describe('the headless host introduces itself', () => {
  it('--help exits 0 and lists every command; nothing at all is a usage error', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const name of COMMAND_NAMES) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect((await runCli(['help'])).code).toBe(0);
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe(help.stdout);
  });

  it('npm start and npm run headless check the Node version first, naming both', () => {
    expect(nodeVersionProblem('20.20.2')).toBe('Node ≥ 22.12 is needed, this is 20.20.2');
    expect(nodeVersionProblem('22.11.0')).toBe('Node ≥ 22.12 is needed, this is 22.11.0');
    expect(nodeVersionProblem('22.12.0')).toBeNull();
    expect(nodeVersionProblem('24.1.0')).toBeNull();
  });
});
