import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { PosGuard } from '../auth/pos-guard.js';
import type { GatewayConfig } from '../config.js';
import { contentTypeOf, encodeFrame, type ContentType } from '../protocol/codec.js';
import { broadcastEnvelope, errorEnvelope } from '../protocol/envelope.js';
import type { Store } from '../store/store.js';
import type { Instance, StoredEvent } from '../store/types.js';
import { AddressLimiter } from './address-limiter.js';
import { CLOSE, Connection } from './connection.js';
import { Dispatcher, type DispatchResult } from './dispatch.js';
import { Metrics } from './metrics.js';
import { AdminApi } from '../admin/router.js';
import { Arrivals } from './arrivals.js';
import { EventRelay } from './event-relay.js';
import { Heartbeat } from './heartbeat.js';
import type { ShardPeers } from './shard-peers.js';
import { handleHttp, splitTarget } from './http.js';
import { RateLimiter, SlidingCounter } from './rate-limiter.js';
import { StatusService } from './status.js';

export interface GatewayOptions {
  config: GatewayConfig;
  store: Store;
  log: Logger;
  version: string;
  now?: () => Date;
  /** Sibling shards under the same supervisor, told when events are published here. */
  peers?: ShardPeers | undefined;
}

type FullOptions = Required<Omit<GatewayOptions, 'peers'>> & Pick<GatewayOptions, 'peers'>;

/**
 * One gateway process: an HTTP server whose upgrades become terminal
 * connections of the tenant named in the query, and an event relay that
 * delivers updatepos and broadcasts published by any process sharing the store.
 */
export class Gateway {
  readonly #o: FullOptions;
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  readonly #dispatcher: Dispatcher;
  readonly #addresses: AddressLimiter | undefined;
  readonly #byInstance = new Map<number, Set<Connection>>();
  readonly #relay: EventRelay;
  readonly #arrivals = new Arrivals(() => this.#o.store.requestArrived?.());
  readonly #metrics: Metrics;
  readonly #admin: AdminApi;
  readonly #heartbeat: Heartbeat<Connection>;
  #closing = false;

  private constructor(options: FullOptions, signingKey: Buffer) {
    this.#o = options;
    const { config, store, log, now } = options;
    const posGuard = new PosGuard({
      store,
      signingKey,
      maxFailures: config.passwordFailures,
      windowMs: config.passwordWindowMs,
      tokenTtlMs: config.tokenTtlMs,
      now,
    });
    const status = new StatusService({ store, url: config.statusUrl, timeoutMs: config.statusTimeoutMs, cacheMs: config.statusCacheMs, now: () => now().getTime() });
    this.#dispatcher = new Dispatcher({ store, config, posGuard, status, version: options.version, log, now });
    this.#metrics = new Metrics(config.shard);
    this.#admin = new AdminApi({ store, config, log, now });
    this.#addresses = config.rateLimit ? new AddressLimiter(config.connectionsPerSecond, config.connectionsPerAddress) : undefined;
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: config.maxPayload, perMessageDeflate: false });
    this.#http = createServer((req, res) => this.#onHttp(req, res));
    this.#http.on('upgrade', (req, socket, head) => {
      this.#onUpgrade(req, socket, head).catch((e: unknown) => {
        options.log.error({ err: e }, 'upgrade failed');
        socket.destroy();
      });
    });
    this.#relay = new EventRelay(store, config.eventPollMs, (event) => this.#deliver(event), log, options.peers);
    this.#heartbeat = new Heartbeat(config.pingIntervalMs, (due) => this.#ping(due));
  }

  /** Starts a gateway listening on the configured host and port. */
  static async start(options: GatewayOptions): Promise<Gateway> {
    const full: FullOptions = { now: () => new Date(), ...options };
    const gateway = new Gateway(full, await options.store.signingKey());
    await gateway.#relay.start();
    await new Promise<void>((resolve, reject) => {
      gateway.#http.once('error', reject);
      gateway.#http.listen(options.config.port, options.config.host, () => {
        gateway.#http.off('error', reject);
        resolve();
      });
    });
    return gateway;
  }

  /** The port actually listened on (useful with port 0). */
  get port(): number {
    const address = this.#http.address();
    return typeof address === 'object' && address ? address.port : this.#o.config.port;
  }

  /** Open terminal connections, all instances together. */
  get connectionCount(): number {
    let n = 0;
    for (const set of this.#byInstance.values()) n += set.size;
    return n;
  }

  #onHttp(req: IncomingMessage, res: ServerResponse): void {
    this.#o.store.requestArrived?.();
    const ctx = { store: this.#o.store, metrics: this.#metrics, admin: this.#admin, metricsToken: this.#o.config.metricsToken, address: clientAddress(req, this.#o.config.trustProxy) };
    handleHttp(req, res, ctx).catch((e: unknown) => {
      this.#o.log.error({ err: e, path: req.url }, 'http request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"internal_error"}');
    });
  }

  /** Path is `/` or `/SHARD[/]` for a configured shard name; anything else is 404. */
  #pathAllowed(pathname: string): boolean {
    if (pathname === '/') return true;
    const name = pathname.replace(/^\//, '').replace(/\/$/, '');
    return this.#o.config.shards.includes(name);
  }

  async #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    this.#o.store.requestArrived?.();
    socket.on('error', () => socket.destroy());
    const { pathname, query } = splitTarget(req.url);
    if (this.#closing) return refuse(socket, 503, 'Service Unavailable');
    if (!this.#pathAllowed(pathname)) return refuse(socket, 404, 'Not Found');
    const address = clientAddress(req, this.#o.config.trustProxy);
    if (this.#addresses) {
      if (!this.#addresses.admit(address, Date.now())) return refuse(socket, 429, 'Too Many Requests');
      // The place is held by the TCP socket, whatever becomes of the handshake.
      socket.once('close', () => this.#addresses?.release(address));
    }
    let instance: Instance | null = null;
    const slug = query.get('instance') ?? '';
    try {
      instance = slug ? await this.#o.store.instanceBySlug(slug) : null;
    } catch (e) {
      this.#o.log.error({ err: e }, 'instance lookup failed');
      return refuse(socket, 503, 'Service Unavailable');
    }
    const contentType = contentTypeOf(query.get('Content-Type'));
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      if (!instance) {
        ws.on('error', () => ws.terminate());
        const envelope = errorEnvelope('invalid_instance', { message: 'Unknown or missing instance: connect with ?instance=SLUG' });
        ws.send(encodeFrame(envelope, contentType));
        ws.close(CLOSE.invalidInstance, 'invalid_instance');
        return;
      }
      this.#accept(ws, instance, contentType, address);
    });
  }

  #accept(ws: WebSocket, instance: Instance, contentType: ContentType, address: string): void {
    const { config, log, now } = this.#o;
    const conn = new Connection(ws, {
      slug: instance.slug,
      instanceId: instance.id,
      contentType,
      address,
      rateLimiter: config.rateLimit ? new RateLimiter(config.rateBudget, config.rateWindowMs) : undefined,
      flood: new SlidingCounter(config.floodLimit, config.floodWindowMs),
      sendBufferLimit: config.sendBufferLimit,
    });
    let set = this.#byInstance.get(instance.id);
    if (!set) this.#byInstance.set(instance.id, (set = new Set()));
    set.add(conn);
    const slice = this.#heartbeat.add(conn);
    this.#metrics.connectionOpened(instance.slug);
    const opened = Date.now();
    let requests = 0;
    ws.on('pong', () => (conn.missedPings = 0));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      requests += 1;
      const frame = isBinary ? null : rawToString(data);
      const received = process.hrtime.bigint();
      this.#arrivals.add(() => void conn.enqueue(async () => {
        // Once the close is under way (shutdown, flood, 1009) no answer can
        // reach the client: a sale booked now would be one it never saw.
        if (!conn.open) return;
        const result = await this.#dispatcher.dispatch(conn, frame);
        conn.send(result.envelope);
        this.#record(instance.slug, result, received);
        if (result.rejectedEarly && conn.flood.hit(now().getTime())) conn.close(CLOSE.policy, 'too many invalid frames');
      }));
    });
    ws.on('error', (err) => log.debug({ err: err.message, instance: instance.slug }, 'websocket error'));
    ws.on('close', (code) => {
      set.delete(conn);
      this.#heartbeat.delete(conn, slice);
      this.#metrics.connectionClosed(instance.slug);
      log.info({ instance: instance.slug, address, code, requests, ms: Date.now() - opened }, 'connection closed');
    });
  }

  #record(slug: string, result: DispatchResult, received: bigint): void {
    this.#metrics.request(result.command, result.outcome, Number(process.hrtime.bigint() - received) / 1e9);
    if (result.outcome !== 'payitem') return;
    const answer = (result.envelope as { result: { parameters: { Total: number; Duplicate: boolean } } }).result.parameters;
    if (!answer.Duplicate) this.#metrics.sale(slug, Math.round(answer.Total * 100));
  }

  #deliver(event: StoredEvent): void {
    const envelope = broadcastEnvelope(event.message, event.parameters);
    // Encoded once, not once per connection: an updatepos goes to thousands.
    const frames = { json: Buffer.from(encodeFrame(envelope, 'json')), json5: Buffer.from(encodeFrame(envelope, 'json5')) };
    const targets = event.instanceId === null ? [...this.#byInstance.values()] : [this.#byInstance.get(event.instanceId) ?? new Set()];
    let sent = 0;
    for (const set of targets) {
      for (const conn of set) {
        conn.sendEncoded(frames);
        sent += 1;
      }
    }
    this.#metrics.broadcastsSent(event.kind, sent);
  }

  /** Pings the connections that are due, and tells the store which devices are still here (the dashboard's "online"). */
  #ping(due: ReadonlySet<Connection>): void {
    const devices = new Map<number, string[]>();
    for (const conn of due) {
      conn.ping();
      const uuid = conn.session.deviceUuid;
      if (!uuid) continue;
      const list = devices.get(conn.instanceId);
      if (list) list.push(uuid);
      else devices.set(conn.instanceId, [uuid]);
    }
    const now = this.#o.now().toISOString();
    for (const [instanceId, uuids] of devices) {
      this.#o.store.touchDevices(instanceId, uuids, this.#o.config.shard, now).catch((e: unknown) => this.#o.log.error({ err: e }, 'touching devices failed'));
    }
  }

  /**
   * Stops taking connections, lets requests in flight finish (a sale that
   * was started is booked and answered), then closes every connection with 1001.
   */
  async close(): Promise<void> {
    this.#closing = true;
    this.#heartbeat.stop();
    await this.#relay.stop();
    // Frames already read are started now, so they count as in flight below.
    this.#arrivals.flush();
    const all = [...this.#byInstance.values()].flatMap((set) => [...set]);
    const deadline = Date.now() + 5000;
    while (all.some((c) => c.pending > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    for (const conn of all) conn.close(CLOSE.goingAway, 'gateway shutting down');
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
    this.#http.closeAllConnections();
  }
}

/**
 * The client's address for the per-address limits. Behind a reverse proxy
 * every connection comes from the proxy, so with --trust-proxy the address
 * the proxy appended last to X-Forwarded-For counts (nginx:
 * $proxy_add_x_forwarded_for); without it the header is ignored, since any
 * client could forge it.
 */
function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const header = req.headers['x-forwarded-for'];
  if (trustProxy && typeof header === 'string') {
    const last = header.split(',').pop()?.trim();
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}
