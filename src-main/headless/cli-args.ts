/** `COMMAND [POSITIONAL…] [--flag VALUE | --switch]`: the whole grammar of the headless host. */
export interface CliArgs {
  command: string | null;
  positionals: string[];
  options: Map<string, string | true>;
  /** Options given without a value: reported by expectOptions, once an unknown name had its say. */
  valueless: Set<string>;
}

const SWITCHES = new Set(['json', 'help', 'web-ui']);

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  const valueless = new Set<string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [name = '', inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (SWITCHES.has(name)) {
      options.set(name, true);
      continue;
    }
    const value = inline ?? argv[i + 1];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      // Not an error yet: a mistyped switch (--jsn for --json) is an unknown option first.
      options.set(name, true);
      valueless.add(name);
      continue;
    }
    if (inline === undefined) i += 1;
    options.set(name, value);
  }
  return { command: positionals.shift() ?? null, positionals, options, valueless };
}

/** Rejects options the command does not know, so a typo is never silently ignored. */
export function expectOptions(args: CliArgs, known: readonly string[]): void {
  for (const name of args.options.keys()) {
    if (!known.includes(name)) throw new UsageError(`${args.command ?? ''}: unknown option --${name}`);
  }
  for (const name of args.valueless) throw new UsageError(`--${name} needs a value`);
}

export function stringOption(args: CliArgs, name: string): string | undefined {
  const value = args.options.get(name);
  return typeof value === 'string' ? value : undefined;
}
