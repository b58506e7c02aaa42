import { loadPolicyFile } from '../../src-main/core/policy/policy-file.ts';
import { runCliProcess } from '../../src-main/headless/cli.ts';

/**
 * The headless host as `main.ts` runs it, but under the policy file a test names as its first
 * argument instead of the machine's own: so a test's policy applies to its own children only, never
 * to the other tests running beside it. Only the test suite has this entry; the app reads its
 * policy from the OS's fixed place (src-main/core/policy/policy-file.ts), with no way to move it.
 */
const [policyFile, ...argv] = process.argv.slice(2);
if (policyFile === undefined) throw new Error('usage: headless-under-policy.ts POLICY_FILE ARGS…');
runCliProcess(argv, () => loadPolicyFile(policyFile));
