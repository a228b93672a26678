import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { COMMANDS } from '../src/commands/index.js';
import { OPTIONS } from '../src/config.js';
import { ERRORS } from '../src/protocol/errors.js';

// Compiled to dist/test/docs.test.js: the repository root is two levels up.
const ROOT = new URL('../../', import.meta.url);
const protocolDoc = readFileSync(new URL('docs/protocol.md', ROOT), 'utf8');
const readme = readFileSync(new URL('README.md', ROOT), 'utf8');

const ERROR_TABLE_HEADER = '| error | code | when |';

/** The rows of the error table in docs/protocol.md as (name, code) pairs; code null for `object`. */
function documentedErrors(): Map<string, number | null> {
  const lines = protocolDoc.split('\n');
  const start = lines.findIndex((line) => line.trim() === ERROR_TABLE_HEADER);
  assert.notEqual(start, -1, `docs/protocol.md has no table headed "${ERROR_TABLE_HEADER}"`);
  assert.equal(lines.filter((line) => line.trim() === ERROR_TABLE_HEADER).length, 1, 'docs/protocol.md has one error table');
  const rows = new Map<string, number | null>();
  for (const line of lines.slice(start + 2)) {
    if (!line.trim().startsWith('|')) break;
    const [name, code] = line.split('|').slice(1, 3).map((cell) => cell.trim().replace(/`/g, ''));
    assert.ok(name && code, `malformed error row: ${line}`);
    assert.ok(!rows.has(name), `error ${name} is listed twice`);
    assert.match(code, /^(\d+|object)$/, `the code of ${name} must be a number or "object"`);
    rows.set(name, code === 'object' ? null : Number(code));
  }
  return rows;
}

test('the error table of docs/protocol.md lists exactly the error catalogue', () => {
  const catalogue = new Map<string, number | null>(Object.entries(ERRORS).map(([name, spec]) => [name, spec.code]));
  assert.deepEqual([...documentedErrors()].sort(), [...catalogue].sort());
});

test('only ratelimit has an object code, in the docs and in the catalogue', () => {
  assert.equal(documentedErrors().get('ratelimit'), null);
  assert.equal(ERRORS.ratelimit.code, null);
});

test('every command of the registry has a section and an example request in docs/protocol.md', () => {
  assert.ok(COMMANDS.size > 0);
  for (const name of COMMANDS.keys()) {
    assert.match(protocolDoc, new RegExp(`^### ${name}$`, 'm'), `docs/protocol.md has no "### ${name}" section`);
    assert.ok(protocolDoc.includes(`"command": "${name}"`), `docs/protocol.md has no example request for ${name}`);
  }
});

test('README.md documents every option of src/config.ts as --NAME', () => {
  for (const name of Object.keys(OPTIONS)) {
    assert.ok(readme.includes(`\`--${name}\``), `README.md does not mention --${name}`);
  }
});

test("README.md's first code block holds the two commands", () => {
  const first = /```[^\n]*\n([\s\S]*?)```/.exec(readme);
  assert.ok(first, 'README.md has no code block');
  const block = first[1] ?? '';
  assert.ok(block.includes('npm install && npm start'), 'the first code block lacks `npm install && npm start`');
  assert.ok(block.includes('npm test'), 'the first code block lacks `npm test`');
});
