import { describe, expect, it } from 'vitest';
import { expectOptions, parseCliArgs, stringOption } from '../../src-main/headless/cli-args.ts';

const checked = (argv: string[], known: string[]) => () => expectOptions(parseCliArgs(argv), known);

describe('headless command line', () => {
  it('reads the command, its positionals, value options and switches', () => {
    const args = parseCliArgs(['import-wats-config', 'config.json', '--data-dir', '/d', '--json', '--x=a=b']);
    expect(args.command).toBe('import-wats-config');
    expect(args.positionals).toEqual(['config.json']);
    expect(stringOption(args, 'data-dir')).toBe('/d');
    expect(args.options.get('json')).toBe(true);
    expect(stringOption(args, 'x')).toBe('a=b');
  });

  it('calls a mistyped switch an unknown option, not an option that needs a value', () => {
    expect(checked(['status', '--jsn'], ['data-dir', 'json'])).toThrow('status: unknown option --jsn');
    expect(checked(['status', '--jsn', '--data-dir', '/d'], ['data-dir', 'json'])).toThrow(
      'status: unknown option --jsn',
    );
  });

  it('says which known option lacks its value', () => {
    expect(checked(['run', '--data-dir'], ['data-dir', 'settings'])).toThrow('--data-dir needs a value');
    expect(checked(['run', '--settings', '--data-dir', '/d'], ['data-dir', 'settings'])).toThrow(
      '--settings needs a value',
    );
    expect(checked(['run', '--data-dir', '/d'], ['data-dir', 'settings'])).not.toThrow();
  });
});
