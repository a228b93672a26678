/**
 * Every setting of the gateway, its flag, its environment variable and its
 * default, in one table. The CLI builds its flags from it; README.md lists it.
 */

type Kind = 'string' | 'integer' | 'boolean' | 'list';

interface OptionSpec {
  kind: Kind;
  default: string | number | boolean | string[] | undefined;
  help: string;
  min?: number;
  max?: number;
}

export const OPTIONS = {
  host: { kind: 'string', default: '127.0.0.1', help: 'address to listen on' },
  port: { kind: 'integer', default: 6001, min: 0, max: 65_535, help: 'port to listen on (0 = any free port)' },
  shard: { kind: 'string', default: 'exon', help: 'name of the shard this process serves' },
  shards: { kind: 'list', default: ['exon', 'cyton', 'zeus'], help: 'shard names accepted in the URL path (comma-separated)' },
  data: { kind: 'string', default: './data', help: 'folder of the embedded SQLite store' },
  database: { kind: 'string', default: undefined, help: 'postgres://… URL of a shared PostgreSQL store (instead of --data)' },
  import: { kind: 'list', default: [], help: 'instance file to import before listening (repeatable)' },
  demo: { kind: 'boolean', default: true, help: 'create the demo instance when the store has no instance (serve)' },
  'rate-limit': { kind: 'boolean', default: true, help: '--no-rate-limit switches off command budgets and per-address connection limits' },
  'rate-window-ms': { kind: 'integer', default: 30_000, min: 1, help: 'length of a rate-limit window' },
  'rate-budget': { kind: 'integer', default: 100, min: 1, help: 'points per command per connection per window' },
  costs: { kind: 'list', default: [], help: 'command costs to change, e.g. payitems=2,listpos=10 (defaults: PROTOCOL.md §4)' },
  'max-payload': { kind: 'integer', default: 65_536, min: 1024, help: 'largest request frame in bytes (larger: close 1009)' },
  'ping-interval-ms': { kind: 'integer', default: 30_000, min: 10, help: 'WebSocket ping interval; two missed pings end a connection' },
  'flood-limit': { kind: 'integer', default: 100, min: 1, help: 'rejected frames per flood window before close 1008' },
  'flood-window-ms': { kind: 'integer', default: 10_000, min: 1, help: 'flood window' },
  'send-buffer-limit': { kind: 'integer', default: 1_048_576, min: 1024, help: 'unsent bytes after which a connection is dropped' },
  'connections-per-second': { kind: 'integer', default: 100, min: 1, help: 'new connections per second per client address' },
  'connections-per-address': { kind: 'integer', default: 5000, min: 1, help: 'open connections per client address' },
  'trust-proxy': { kind: 'boolean', default: false, help: 'take the client address from X-Forwarded-For (only behind your own reverse proxy)' },
  'admin-failures': { kind: 'integer', default: 10, min: 1, help: 'failed admin logins per client address before it is locked out' },
  'admin-window-ms': { kind: 'integer', default: 300_000, min: 1, help: 'window of the admin login lockout' },
  'metrics-token': { kind: 'string', default: undefined, help: 'when set, GET /metrics needs Authorization: Bearer TOKEN' },
  'password-failures': { kind: 'integer', default: 20, min: 1, help: 'failed POS passwords before the lockout' },
  'password-window-ms': { kind: 'integer', default: 300_000, min: 1, help: 'window in which password failures are counted' },
  'token-ttl-ms': { kind: 'integer', default: 43_200_000, min: 1000, help: 'lifetime of a POS token from verifyauth' },
  'status-url': { kind: 'string', default: undefined, help: 'status API for getstatus (default: report own health)' },
  'status-timeout-ms': { kind: 'integer', default: 2000, min: 1, help: 'timeout of a status URL fetch' },
  'status-cache-ms': { kind: 'integer', default: 30_000, min: 0, help: 'how long a fetched status is reused' },
  'event-poll-ms': { kind: 'integer', default: 250, min: 10, help: 'how often the gateway looks for events from other processes' },
  synchronous: { kind: 'string', default: 'FULL', help: 'SQLite durability: FULL (survives power loss) or NORMAL (process crashes)' },
  'log-level': { kind: 'string', default: 'info', help: 'pino log level (fatal, error, warn, info, debug, silent)' },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

/** Rate-limit points per request of each command (PROTOCOL.md §4). */
export const COMMAND_COSTS: Readonly<Record<string, number>> = Object.freeze({
  getconfig: 25,
  getdeposit: 10,
  getlicense: 4,
  listpos: 25,
  verifyauth: 20,
  listpm: 20,
  listproducts: 25,
  payitems: 1,
  registerdevice: 10,
  version: 50,
  getstatus: 15,
  listtransactions: 2,
});

/** The environment variable of an option: `rate-window-ms` → CONCERTPOS_RATE_WINDOW_MS. */
export function envName(option: string): string {
  return `CONCERTPOS_${option.toUpperCase().replaceAll('-', '_')}`;
}

export interface GatewayConfig {
  host: string;
  port: number;
  shard: string;
  shards: readonly string[];
  data: string;
  database: string | undefined;
  imports: readonly string[];
  demo: boolean;
  rateLimit: boolean;
  rateWindowMs: number;
  rateBudget: number;
  costs: Readonly<Record<string, number>>;
  maxPayload: number;
  pingIntervalMs: number;
  floodLimit: number;
  floodWindowMs: number;
  sendBufferLimit: number;
  connectionsPerSecond: number;
  connectionsPerAddress: number;
  trustProxy: boolean;
  adminFailures: number;
  adminWindowMs: number;
  metricsToken: string | undefined;
  passwordFailures: number;
  passwordWindowMs: number;
  tokenTtlMs: number;
  statusUrl: string | undefined;
  statusTimeoutMs: number;
  statusCacheMs: number;
  eventPollMs: number;
  synchronous: 'FULL' | 'NORMAL';
  logLevel: string;
}

/** A setting that cannot work; the CLI reports it and exits 2. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Raw = Partial<Record<OptionName, string | boolean | string[] | undefined>>;

/**
 * Resolves settings: flags win over environment variables, which win over
 * defaults. Values are validated here, once, so the gateway can trust them.
 */
export function resolveConfig(flags: Raw, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const get = <N extends OptionName>(name: N): unknown => {
    const spec: OptionSpec = OPTIONS[name];
    const flag = flags[name];
    const fromEnv = env[envName(name)];
    const raw = flag !== undefined && !(Array.isArray(flag) && flag.length === 0) ? flag : fromEnv;
    if (raw === undefined || raw === '') return spec.default;
    return coerce(name, spec, raw);
  };
  const shard = get('shard') as string;
  const shards = get('shards') as string[];
  const synchronous = String(get('synchronous')).toUpperCase();
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') throw new ConfigError('--synchronous must be FULL or NORMAL');
  for (const name of [shard, ...shards]) {
    if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(name)) throw new ConfigError(`shard name "${name}" must be lowercase letters, digits and "-"`);
  }
  const database = get('database') as string | undefined;
  if (database !== undefined && !/^postgres(ql)?:\/\//.test(database)) throw new ConfigError('--database must be a postgres:// URL');
  return Object.freeze({
    host: get('host') as string,
    port: get('port') as number,
    shard,
    shards: Object.freeze(shards.includes(shard) ? shards : [...shards, shard]),
    data: get('data') as string,
    database,
    imports: Object.freeze(get('import') as string[]),
    demo: get('demo') as boolean,
    rateLimit: get('rate-limit') as boolean,
    rateWindowMs: get('rate-window-ms') as number,
    rateBudget: get('rate-budget') as number,
    costs: resolveCosts(get('costs') as string[]),
    maxPayload: get('max-payload') as number,
    pingIntervalMs: get('ping-interval-ms') as number,
    floodLimit: get('flood-limit') as number,
    floodWindowMs: get('flood-window-ms') as number,
    sendBufferLimit: get('send-buffer-limit') as number,
    connectionsPerSecond: get('connections-per-second') as number,
    connectionsPerAddress: get('connections-per-address') as number,
    trustProxy: get('trust-proxy') as boolean,
    adminFailures: get('admin-failures') as number,
    adminWindowMs: get('admin-window-ms') as number,
    metricsToken: get('metrics-token') as string | undefined,
    passwordFailures: get('password-failures') as number,
    passwordWindowMs: get('password-window-ms') as number,
    tokenTtlMs: get('token-ttl-ms') as number,
    statusUrl: get('status-url') as string | undefined,
    statusTimeoutMs: get('status-timeout-ms') as number,
    statusCacheMs: get('status-cache-ms') as number,
    eventPollMs: get('event-poll-ms') as number,
    synchronous,
    logLevel: get('log-level') as string,
  });
}

/** Command costs: the defaults of COMMAND_COSTS with `name=points` overrides. */
function resolveCosts(overrides: string[]): Readonly<Record<string, number>> {
  const costs: Record<string, number> = { ...COMMAND_COSTS };
  for (const entry of overrides) {
    const m = /^([a-z]+)=([0-9]{1,6})$/.exec(entry);
    if (!m || !(m[1]! in COMMAND_COSTS)) throw new ConfigError(`costs: "${entry}" must be COMMAND=POINTS for a known command`);
    costs[m[1]!] = Number(m[2]);
  }
  return Object.freeze(costs);
}

function coerce(name: string, spec: OptionSpec, raw: string | boolean | string[]): unknown {
  switch (spec.kind) {
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (/^(1|true|yes|on)$/i.test(String(raw))) return true;
      if (/^(0|false|no|off)$/i.test(String(raw))) return false;
      throw new ConfigError(`${name} must be true or false`);
    case 'integer': {
      const text = String(raw);
      const min = spec.min ?? 0;
      const inRange = Number(text) >= min && (spec.max === undefined || Number(text) <= spec.max);
      if (!/^[0-9]{1,12}$/.test(text) || !inRange) {
        throw new ConfigError(`${name} must be a whole number ${spec.max === undefined ? `of at least ${min}` : `from ${min} to ${spec.max}`}`);
      }
      return Number(text);
    }
    case 'list':
      return (Array.isArray(raw) ? raw : [String(raw)]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
    default:
      return String(raw);
  }
}
