import { readFileSync } from 'node:fs';

/**
 * `node dist/bench/profile-top.js FILE.cpuprofile [N]`: the functions with the
 * most self time in a V8 CPU profile (node --cpu-prof), and the same summed
 * per source file, so a profile can be read without DevTools.
 */
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const [file, top = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node dist/bench/profile-top.js FILE.cpuprofile [N]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; startTime: number; endTime: number };
const hits = new Map<number, number>();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const total = profile.samples.length;
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
for (const node of profile.nodes) {
  const n = hits.get(node.id) ?? 0;
  if (n === 0) continue;
  const where = node.callFrame.url.replace(/^.*\/(node_modules|dist)\//, '$1/') || '(native)';
  const name = `${node.callFrame.functionName || '(anonymous)'}  ${where}:${node.callFrame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + n);
  byFile.set(where, (byFile.get(where) ?? 0) + n);
}
const show = (title: string, map: Map<string, number>): void => {
  console.log(`\n${title}`);
  for (const [name, n] of [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(`${((100 * n) / total).toFixed(1).padStart(5)} %  ${name}`);
};
show('self time by function', byFunction);
show('self time by file', byFile);
