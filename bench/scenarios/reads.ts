import { closeAll, closedLoop, connectMany, requestFrame } from '../load-client.js';
import { cpuSecondsOf } from '../lib/proc-stats.js';
import { startGateway, startWsCeiling, type BenchServer } from '../lib/servers.js';
import { API_KEY, profileFlags, ratio, type BenchSettings, type ScenarioResult } from './result.js';

const CONNECTIONS = 100;

interface Measured {
  perSecond: number;
  cpuMicrosPerRequest: number;
  result: Awaited<ReturnType<typeof closedLoop>>;
}

/** listproducts in a closed loop over 100 connections; CPU of the server per request. */
async function measure(server: BenchServer, query: string, json5: boolean, settings: BenchSettings): Promise<Measured> {
  const sockets = await connectMany(server.urls.map((u) => `${u}/?instance=demo&${query}`), CONNECTIONS);
  const frame = requestFrame('listproducts', { api_key: API_KEY, POSID: 1 }, json5);
  let cpu = 0;
  const result = await closedLoop(sockets, () => frame, {
    warmupMs: settings.warmupMs,
    durationMs: settings.durationMs,
    onWindow: (phase) => (cpu = phase === 'start' ? cpuSecondsOf(server.pids) : cpuSecondsOf(server.pids) - cpu),
  });
  await closeAll(sockets);
  return { perSecond: result.perSecond, cpuMicrosPerRequest: (cpu / result.requests) * 1e6, result };
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
 * (what the reference client sends and asks for), as CPU per request.
 */
export async function readsScenario(settings: BenchSettings): Promise<ScenarioResult[]> {
  const gateway = await startGateway(['--no-rate-limit', '--synchronous', settings.synchronous], profileFlags(settings, 'reads'));
  let json: Measured;
  let json5: Measured;
  let answer: string;
  try {
    answer = await sampleAnswer(gateway.urls[0] as string);
    json = await measure(gateway, 'Content-Type=json', false, settings);
    json5 = await measure(gateway, 'Content-Type=json5', true, settings);
  } finally {
    await gateway.stop();
  }
  const ceilingServer = await startWsCeiling(answer);
  let ceiling: Measured;
  try {
    ceiling = await measure(ceilingServer, 'Content-Type=json', false, settings);
  } finally {
    await ceilingServer.stop();
  }
  const readRatio = ratio(json.perSecond, ceiling.perSecond);
  const costRatio = ratio(json5.cpuMicrosPerRequest, json.cpuMicrosPerRequest);
  return [
    {
      scenario: 'reads',
      metric: 'requests/s',
      gateway: json.perSecond,
      ceiling: ceiling.perSecond,
      ratio: readRatio,
      target: '>= 0.6 x transport ceiling',
      met: readRatio >= 0.6 && json.result.errors === 0,
      notes: ['listproducts POS 1, 100 connections, closed loop, --no-rate-limit', `ceiling: raw ws server, JSON.parse + fixed ${answer.length}-byte answer`],
      details: { gateway: json, ceiling, answerBytes: answer.length },
    },
    {
      scenario: 'json5',
      metric: 'gateway CPU us/request',
      gateway: json5.cpuMicrosPerRequest,
      ceiling: json.cpuMicrosPerRequest,
      ratio: costRatio,
      target: '<= 1.5 x JSON cost (aim)',
      met: costRatio <= 1.5 && json5.result.errors === 0,
      notes: ['listproducts with JSON5.stringify requests and Content-Type=json5 answers; ceiling column = the same with JSON'],
      details: { json5, json, json5RequestsPerSecond: json5.perSecond },
    },
  ];
}
