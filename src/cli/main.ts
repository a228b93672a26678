#!/usr/bin/env node
import { ConfigError, OPTIONS, envName } from '../config.js';
import { InstanceFileError } from '../instances/instance-file.js';
import { VERSION } from '../version.js';
import { UsageError } from './args.js';
import { adminKeyCommand } from './admin-key.js';
import { broadcastCommand } from './broadcast.js';
import { importCommand } from './import.js';
import { serveCommand } from './serve.js';
import { verifyCommand } from './verify.js';

const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  serve: serveCommand,
  import: importCommand,
  verify: verifyCommand,
  broadcast: broadcastCommand,
  'admin-key': adminKeyCommand,
};

function usage(): string {
  const flags = Object.entries(OPTIONS).map(([name, spec]) => {
    const flag = spec.kind === 'boolean' ? `--${name} / --no-${name}` : `--${name} VALUE`;
    const def = spec.default === undefined ? '' : ` (default: ${Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default)})`;
    return `  ${flag.padEnd(36)} ${spec.help}${def}  [${envName(name)}]`;
  });
  return [
    `concertpos ${VERSION}`,
    '',
    'Usage:',
    '  concertpos serve     [flags]                       run a gateway (default: SQLite in ./data, port 6001, demo instance)',
    '  concertpos import    FILE… [--data DIR]            create or update instances from instance files',
    '  concertpos verify    [--instance SLUG] [--data DIR] recompute every hash chain (exit 1 when one is broken)',
    '  concertpos broadcast (--instance SLUG | --all) MESSAGE [--params JSON] [--data DIR]',
    '  concertpos admin-key --instance SLUG [--data DIR]   set a new admin key and print it once',
    '',
    'Flags (each also read from its environment variable):',
    ...flags,
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    console.log(VERSION);
    return 0;
  }
  const run = SUBCOMMANDS[name];
  if (!run) throw new UsageError(`unknown command "${name}"`);
  return run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError || e instanceof ConfigError) {
      console.error(`concertpos: ${e.message}\n\n${usage()}`);
      process.exitCode = 2;
    } else if (e instanceof InstanceFileError) {
      console.error(`concertpos: ${e.message}`);
      process.exitCode = 1;
    } else if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`concertpos: ${(e as Error).message}: the port is in use`);
      process.exitCode = 1;
    } else {
      console.error('concertpos: unexpected failure:', e);
      process.exitCode = 1;
    }
  },
);
