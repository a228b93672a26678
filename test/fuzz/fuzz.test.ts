import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KINDS } from './frames.js';
import { formatSummary, runFuzz } from './run-fuzz.js';

// Issue 5, item 1: the short, fixed-seed version of the fuzzer for `npm test`
// (`npm run fuzz -- --frames N --seed S` runs any size). Every frame must get a
// documented error, a correct answer or the documented close; the gateway must
// survive with bounded memory and clean prototypes; `concertpos verify` must pass.
// Nothing here is timed: a slow machine only makes it take longer.

test('5,000 fuzzed frames from 16 connections: documented answers only, the gateway survives, the ledger verifies', { timeout: 600_000 }, async () => {
  const s = await runFuzz({ frames: 5000, seed: 20_261_204, connections: 16, rssLimitMiB: 400 });
  assert.equal(s.violationCount, 0, formatSummary(s));
  assert.equal(s.frames, 5000);
  for (const kind of Object.keys(KINDS)) assert.ok((s.byKind[kind] ?? 0) > 0, `no frame of kind ${kind} was sent:\n${formatSummary(s)}`);
  assert.ok((s.closes['1007'] ?? 0) > 0 && (s.closes['1009'] ?? 0) > 0, `the run reached both documented closes:\n${formatSummary(s)}`);
  assert.ok((s.byOutcome['event:payitem'] ?? 0) > 0, 'some mutated sales still booked');
  assert.ok(s.ledgerRows !== undefined && s.ledgerRows > 0, formatSummary(s));
});
