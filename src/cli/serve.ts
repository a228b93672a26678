import type { Logger } from 'pino';
import { verifySecret } from '../auth/secrets.js';
import { envName, resolveConfig, type GatewayConfig, type OptionName } from '../config.js';
import { Gateway } from '../gateway/server.js';
import { ShardPeers } from '../gateway/shard-peers.js';
import { DEMO_API_KEY, DEMO_FILE, DEMO_SLUG } from '../instances/demo.js';
import { parseInstances } from '../instances/instance-file.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { VERSION } from '../version.js';
import { parseFlags } from './args.js';
import { importFiles } from './import.js';
import { createLogger } from './logger.js';
import { runSupervisor, SHARD_CONFIG_ENV } from './supervisor.js';

const SERVE_FLAGS: readonly OptionName[] = [
  'host', 'port', 'shard', 'shards', 'data', 'database', 'import', 'demo', 'rate-limit', 'rate-window-ms', 'rate-budget', 'costs',
  'max-payload', 'ping-interval-ms', 'flood-limit', 'flood-window-ms', 'send-buffer-limit', 'connections-per-second',
  'connections-per-address', 'trust-proxy', 'admin-failures', 'admin-window-ms', 'metrics-token', 'password-failures', 'password-window-ms', 'token-ttl-ms', 'status-url', 'status-timeout-ms',
  'status-cache-ms', 'event-poll-ms', 'synchronous', 'log-level',
];

/** Creates the demo instance on an empty store; true when the demo is there with its published key. */
async function ensureDemo(store: Store): Promise<boolean> {
  if ((await store.listInstances()).length === 0) await store.importInstances(await parseInstances(DEMO_FILE, 'built-in demo'));
  const demo = await store.instanceBySlug(DEMO_SLUG);
  return demo?.apiKeyHash != null && (await verifySecret(DEMO_API_KEY, demo.apiKeyHash));
}

function banner(config: GatewayConfig, port: number, demo: boolean): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const lines = [`ConcertPOS ${VERSION} gateway, shard ${config.shard} (pid ${process.pid}), listening on ws://${host}:${port}/`];
  if (demo) {
    lines.push(`Point a terminal at: ws://${host}:${port}/?instance=${DEMO_SLUG}&Content-Type=json`);
    lines.push(`Demo instance: slug "${DEMO_SLUG}", api_key "${DEMO_API_KEY}" (bar 3 "Backstage" has the password 1234)`);
  }
  return lines.join('\n');
}

/**
 * Resolves on the first SIGTERM or SIGINT. The handlers go in before anything
 * else and stay: a signal during start-up, or a second one while shutting down
 * (Ctrl-C reaches a shard and then its supervisor's SIGTERM follows), must
 * not kill the process with sales in flight.
 */
function shutdownSignal(log: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    let received = false;
    const stop = (signal: string): void => {
      if (received) return log.info({ signal }, 'already shutting down');
      received = true;
      log.info({ signal }, 'shutting down');
      resolve();
    };
    process.on('SIGTERM', stop).on('SIGINT', stop);
  });
}

/** Runs one gateway process until SIGTERM or SIGINT, then shuts down cleanly. */
export async function runGateway(config: GatewayConfig, log: Logger, peers?: ShardPeers): Promise<void> {
  const signalled = shutdownSignal(log);
  const store = await openStore(config);
  try {
    if (config.imports.length > 0) await importFiles(store, config.imports);
    const demo = config.demo ? await ensureDemo(store) : false;
    if (!config.rateLimit) log.warn('rate limits are off (--no-rate-limit): for benchmarks and load tests only');
    const gateway = await Gateway.start({ config, store, log, version: VERSION, peers });
    console.log(banner(config, gateway.port, demo));
    await signalled;
    await gateway.close().catch((e: unknown) => log.error({ err: e }, 'closing the gateway failed'));
  } finally {
    await store.close();
  }
}

/**
 * `concertpos serve [flags]`: one gateway process, or with `--shards` a
 * supervisor that prepares the store once and runs one process per shard.
 */
export async function serveCommand(argv: string[]): Promise<number> {
  const handedDown = process.env[SHARD_CONFIG_ENV];
  if (handedDown) {
    const config = Object.freeze(JSON.parse(handedDown) as GatewayConfig);
    await runGateway(config, createLogger(config.logLevel, config.shard), ShardPeers.ofThisProcess());
    return 0;
  }
  const { flags } = parseFlags(argv, SERVE_FLAGS);
  const config = resolveConfig(flags);
  const supervise = flags.shards !== undefined || Boolean(process.env[envName('shards')]);
  if (!supervise) {
    await runGateway(config, createLogger(config.logLevel, config.shard));
    return 0;
  }
  const log = createLogger(config.logLevel);
  await prepareStore(config);
  await runSupervisor(config, log);
  return 0;
}

/** Migrates the store, imports files and creates the demo once, before any shard starts. */
async function prepareStore(config: GatewayConfig): Promise<void> {
  const store = await openStore(config);
  try {
    if (config.imports.length > 0) await importFiles(store, config.imports);
    const demo = config.demo ? await ensureDemo(store) : false;
    if (demo) console.log(`Demo instance: slug "${DEMO_SLUG}", api_key "${DEMO_API_KEY}" (bar 3 "Backstage" has the password 1234)`);
  } finally {
    await store.close();
  }
}
