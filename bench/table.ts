import type { ScenarioResult } from './scenarios/result.js';

function figure(x: number | null): string {
  if (x === null) return '-';
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toFixed(2);
}

/** The results as a Markdown table (printed, and pasted into docs/performance.md). */
export function renderTable(results: readonly ScenarioResult[]): string {
  const header = ['scenario', 'metric', 'gateway', 'ceiling', 'ratio', 'target', 'met'];
  const rows = results.map((r) => [r.scenario, r.metric, figure(r.gateway), figure(r.ceiling), r.ratio === null ? '-' : r.ratio.toFixed(2), r.target, r.met === null ? '-' : r.met ? 'yes' : 'NO']);
  const lines = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  const notes = results.flatMap((r) => r.notes.map((n) => `- ${r.scenario}: ${n}`));
  return [...lines, '', ...notes].join('\n');
}
