import { get } from 'node:http';

/**
 * The gateway's own view of request time (concertpos_request_duration_seconds
 * from GET /metrics, frame in to answer out): per command, the share of
 * requests answered within each bucket. Tells the gateway's part of a
 * latency from the kernel's and the load generator's.
 */
export async function serverHistogram(wsUrl: string): Promise<Record<string, Record<string, number>>> {
  const text = await new Promise<string>((resolve, reject) => {
    get(`${wsUrl.replace('ws:', 'http:')}/metrics`, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
  const counts: Record<string, Record<string, number>> = {};
  for (const m of text.matchAll(/^concertpos_request_duration_seconds_bucket\{([^}]*)\} (\d+)/gm)) {
    const labels = m[1] as string;
    const command = /command="([^"]*)"/.exec(labels)?.[1] ?? '?';
    const le = /le="([^"]*)"/.exec(labels)?.[1] ?? '?';
    (counts[command] ??= {})[le] = Number(m[2]);
  }
  const shares: Record<string, Record<string, number>> = {};
  for (const [command, buckets] of Object.entries(counts)) {
    const total = buckets['+Inf'] ?? 0;
    shares[command] = Object.fromEntries(Object.entries(buckets).map(([le, n]) => [`<=${le}s`, total === 0 ? 0 : n / total]));
  }
  return shares;
}
