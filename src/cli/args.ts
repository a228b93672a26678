import { parseArgs } from 'node:util';
import { OPTIONS, type OptionName } from '../config.js';

/** Bad command-line usage: reported with the usage text, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedArgs {
  flags: Partial<Record<OptionName, string | boolean | string[]>>;
  positionals: string[];
  extra: Record<string, string | boolean | undefined>;
}

/**
 * Parses flags named in `allowed` (from the OPTIONS table) plus `extra`
 * command-specific ones. `--no-X` turns a boolean option off. Positional
 * arguments are a usage error unless the command takes them, so a stray
 * word (a mistyped flag value, say) never silently starts a gateway.
 */
export function parseFlags(
  argv: string[],
  allowed: readonly OptionName[],
  extra: Record<string, 'string' | 'boolean'> = {},
  takesPositionals = false,
): ParsedArgs {
  const negated: Partial<Record<OptionName, boolean>> = {};
  const rest: string[] = [];
  for (const arg of argv) {
    const name = arg.startsWith('--no-') ? (arg.slice(5) as OptionName) : undefined;
    if (name && allowed.includes(name) && OPTIONS[name].kind === 'boolean') negated[name] = false;
    else rest.push(arg);
  }
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const name of allowed) {
    const kind = OPTIONS[name].kind;
    options[name] = { type: kind === 'boolean' ? 'boolean' : 'string', ...(kind === 'list' ? { multiple: true } : {}) };
  }
  for (const [name, type] of Object.entries(extra)) options[name] = { type };
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (!takesPositionals && parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
  const flags: ParsedArgs['flags'] = { ...negated };
  const extras: ParsedArgs['extra'] = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    if (name in extra) extras[name] = value as string | boolean;
    else flags[name as OptionName] = value as string | boolean | string[];
  }
  return { flags, positionals: parsed.positionals, extra: extras };
}

/** The store flags every subcommand takes. */
export const STORE_FLAGS: readonly OptionName[] = ['data', 'database', 'synchronous', 'log-level'];
