import { resolveConfig } from '../config.js';
import { readInstanceFile } from '../instances/instance-file.js';
import type { InstanceImport } from '../instances/instance-spec.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { parseFlags, STORE_FLAGS, UsageError } from './args.js';

/** Reads every file first, then imports them all in one transaction: a bad file changes nothing. */
export async function importFiles(store: Store, files: readonly string[]): Promise<{ created: string[]; updated: string[]; changed: number[] }> {
  const instances: InstanceImport[] = [];
  for (const file of files) instances.push(...(await readInstanceFile(file)));
  return store.importInstances(instances);
}

/** `concertpos import FILE… [store flags]` */
export async function importCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseFlags(argv, STORE_FLAGS, {}, true);
  if (positionals.length === 0) throw new UsageError('import needs at least one instance file');
  const config = resolveConfig(flags);
  const store = await openStore(config);
  try {
    const report = await importFiles(store, positionals);
    for (const slug of report.created) console.log(`created instance ${slug}`);
    for (const slug of report.updated) console.log(`updated instance ${slug}`);
    return 0;
  } finally {
    await store.close();
  }
}
