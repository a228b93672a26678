import { closeAll, closedLoop, connectMany, requestFrame } from '../load-client.js';
import { cpuSecondsOf } from '../lib/proc-stats.js';
import { paired, type Paired } from '../lib/paired.js';
import { startGateway, startWsCeiling, type BenchServer } from '../lib/servers.js';
import { API_KEY, profileFlags, type BenchSettings, type ScenarioResult } from './result.js';

const CONNECTIONS = 100;
const ROUNDS = 5;

interface Window {
  perSecond: number;
  cpuMicrosPerRequest: number;
  errors: number;
}

/** A server with 100 connections open, measured in closed-loop windows of listproducts. */
interface Loaded {
  measure(): Promise<Window>;
  close(): Promise<void>;
}

async function load(server: BenchServer, query: string, json5: boolean, settings: BenchSettings): Promise<Loaded> {
  const sockets = await connectMany(server.urls.map((u) => `${u}/?instance=demo&${query}`), CONNECTIONS);
  const frame = requestFrame('listproducts', { api_key: API_KEY, POSID: 1 }, json5);
  let windows = 0;
  return {
    async measure() {
      let cpu = 0;
      const result = await closedLoop(sockets, () => frame, {
        // After the first window the loop refills within milliseconds.
        warmupMs: windows++ === 0 ? settings.warmupMs : 300,
        durationMs: Math.max(600, settings.durationMs / ROUNDS),
        onWindow: (phase) => (cpu = phase === 'start' ? cpuSecondsOf(server.pids) : cpuSecondsOf(server.pids) - cpu),
      });
      return { perSecond: result.perSecond, cpuMicrosPerRequest: (cpu / result.requests) * 1e6, errors: result.errors };
    },
    close: () => closeAll(sockets),
  };
}

/** One answer of the gateway, so the ceiling server answers exactly as many bytes. */
async function sampleAnswer(url: string): Promise<string> {
  const [ws] = await connectMany([`${url}/?instance=demo&Content-Type=json`], 1);
  const answer = await new Promise<string>((resolve) => {
    ws!.once('message', (data: Buffer) => resolve(data.toString()));
    ws!.send(requestFrame('listproducts', { api_key: API_KEY, POSID: 1 }));
  });
  await closeAll([ws!]);
  return answer;
}

/**
 * reads: listproducts, 100 connections, closed loop, against the raw ws
 * server answering the same bytes; and the same with JSON5 frames both ways
 * (what the reference client sends and asks for), as CPU per request. Both
 * comparisons alternate their two sides in rounds (bench/lib/paired.ts).
 */
export async function readsScenario(settings: BenchSettings): Promise<ScenarioResult[]> {
  const gateway = await startGateway(['--no-rate-limit', '--synchronous', settings.synchronous], profileFlags(settings, 'reads'));
  try {
    const answer = await sampleAnswer(gateway.urls[0] as string);
    const ceilingServer = await startWsCeiling(answer);
    try {
      const json = await load(gateway, 'Content-Type=json', false, settings);
      const json5 = await load(gateway, 'Content-Type=json5', true, settings);
      const ceiling = await load(ceilingServer, 'Content-Type=json', false, settings);
      const windows = { json: [] as Window[], json5: [] as Window[], ceiling: [] as Window[] };
      const take = async (kind: keyof typeof windows, of: Loaded): Promise<Window> => {
        const w = await of.measure();
        windows[kind].push(w);
        return w;
      };
      const reads = await paired(ROUNDS, async () => (await take('json', json)).perSecond, async () => (await take('ceiling', ceiling)).perSecond);
      const cost = await paired(ROUNDS, async () => (await take('json5', json5)).cpuMicrosPerRequest, async () => (await take('json', json)).cpuMicrosPerRequest);
      await Promise.all([json.close(), json5.close(), ceiling.close()]);
      const errors = (kind: keyof typeof windows): number => windows[kind].reduce((n, w) => n + w.errors, 0);
      const range = (p: Paired): string => `${p.range[0].toFixed(2)}–${p.range[1].toFixed(2)}`;
      return [
        {
          scenario: 'reads',
          metric: 'requests/s',
          gateway: reads.gateway,
          ceiling: reads.ceiling,
          ratio: reads.ratio,
          target: '>= 0.6 x transport ceiling',
          met: reads.ratio >= 0.6 && errors('json') === 0,
          notes: [
            'listproducts POS 1, 100 connections, closed loop, --no-rate-limit',
            `ceiling: raw ws server, JSON.parse + fixed ${answer.length}-byte answer`,
            `gateway and ceiling measured back to back in ${ROUNDS} alternating rounds; ratio = median of the rounds' ratios (${range(reads)}), gateway and ceiling columns = medians`,
          ],
          details: { reads, windows, answerBytes: answer.length },
        },
        {
          scenario: 'json5',
          metric: 'gateway CPU us/request',
          gateway: cost.gateway,
          ceiling: cost.ceiling,
          ratio: cost.ratio,
          target: '<= 1.5 x JSON cost (aim)',
          met: cost.ratio <= 1.5 && errors('json5') === 0,
          notes: [
            'listproducts with JSON5.stringify requests and Content-Type=json5 answers; ceiling column = the same with JSON',
            `JSON5 and JSON windows alternate in ${ROUNDS} rounds; ratio = median of the rounds' ratios (${range(cost)})`,
          ],
          details: { cost },
        },
      ];
    } finally {
      await ceilingServer.stop();
    }
  } finally {
    await gateway.stop();
  }
}
