import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { COMMANDS } from '../commands/index.js';

/**
 * The gateway's Prometheus metrics (PROTOCOL.md §9). Label values come from
 * fixed sets (command names of the registry, error names of the catalogue,
 * instance slugs), never from what a client typed, so a client cannot blow
 * up the number of series.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #connections: Gauge<'instance'>;
  readonly #requests: Counter<'command' | 'outcome'>;
  readonly #duration: Histogram<'command'>;
  readonly #sales: Counter<'instance'>;
  readonly #revenue: Counter<'instance'>;
  readonly #ratelimits: Counter<'command'>;
  readonly #broadcasts: Counter<'kind'>;
  // Labelled children by their label values (fixed sets, so bounded):
  // prom-client would hash the label object again on every call.
  readonly #requestSeries = new Map<string, { count: Counter.Internal; time: Histogram.Internal<'command'> }>();
  readonly #saleSeries = new Map<string, { sales: Counter.Internal; revenue: Counter.Internal }>();

  constructor(shard: string) {
    this.registry.setDefaultLabels({ shard });
    const registers = [this.registry];
    this.#connections = new Gauge({ name: 'concertpos_connections', help: 'Open terminal connections', labelNames: ['instance'], registers });
    this.#requests = new Counter({ name: 'concertpos_requests_total', help: 'Requests by command and outcome (event or error name)', labelNames: ['command', 'outcome'], registers });
    this.#duration = new Histogram({
      name: 'concertpos_request_duration_seconds',
      help: 'Time from a request frame to its answer',
      labelNames: ['command'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.#sales = new Counter({ name: 'concertpos_sales_total', help: 'Tickets booked (not replays)', labelNames: ['instance'], registers });
    this.#revenue = new Counter({ name: 'concertpos_revenue_cents_total', help: 'Money booked, in cents', labelNames: ['instance'], registers });
    this.#ratelimits = new Counter({ name: 'concertpos_ratelimit_hits_total', help: 'Requests refused by a rate limit', labelNames: ['command'], registers });
    this.#broadcasts = new Counter({ name: 'concertpos_broadcasts_total', help: 'Broadcast frames sent to connections', labelNames: ['kind'], registers });
  }

  connectionOpened(instance: string): void {
    this.#connections.inc({ instance });
  }

  connectionClosed(instance: string): void {
    this.#connections.dec({ instance });
  }

  /** One answered request; `command` is only used as a label when it is a known command. */
  request(command: string | undefined, outcome: string, seconds: number): void {
    const label = command !== undefined && COMMANDS.has(command) ? command : 'unknown';
    const key = `${label} ${outcome}`;
    let series = this.#requestSeries.get(key);
    if (!series) {
      series = { count: this.#requests.labels({ command: label, outcome }), time: this.#duration.labels({ command: label }) };
      this.#requestSeries.set(key, series);
    }
    series.count.inc();
    series.time.observe(seconds);
    if (outcome === 'ratelimit') this.#ratelimits.inc({ command: label });
  }

  sale(instance: string, cents: number): void {
    let series = this.#saleSeries.get(instance);
    if (!series) {
      series = { sales: this.#sales.labels({ instance }), revenue: this.#revenue.labels({ instance }) };
      this.#saleSeries.set(instance, series);
    }
    series.sales.inc();
    if (cents > 0) series.revenue.inc(cents);
  }

  broadcastsSent(kind: 'updatepos' | 'broadcast', count: number): void {
    if (count > 0) this.#broadcasts.inc({ kind }, count);
  }
}
