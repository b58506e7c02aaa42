import { loadMachinePolicy } from '../core/policy/policy-file.ts';
import { runCliProcess } from './cli.ts';

runCliProcess(process.argv.slice(2), loadMachinePolicy);
