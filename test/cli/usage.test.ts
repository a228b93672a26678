import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startServer, tempDir } from '../helpers/server.js';
import { cli, instanceSpec, writeInstanceFile } from '../helpers/cli-fixtures.js';

const data = tempDir('concertpos-usage-');
after(() => data.remove());

describe('bad usage exits 2', () => {
  const cases: [string, string[], NodeJS.ProcessEnv?][] = [
    ['no subcommand', []],
    ['unknown subcommand', ['frobnicate']],
    ['unknown subcommand that looks like a flag', ['--port', '6001']],
    ['serve with an unknown flag', ['serve', '--bogus']],
    ['serve with a stray positional', ['serve', 'extra']],
    ['serve --port not a number', ['serve', '--port', 'abc']],
    ['serve --port negative', ['serve', '--port', '-1']],
    ['serve --port above 65535', ['serve', '--port', '70000']],
    ['serve with CONCERTPOS_PORT not a number', ['serve'], { CONCERTPOS_PORT: 'abc' }],
    ['serve --synchronous OFF', ['serve', '--synchronous', 'OFF']],
    ['serve --shard with capitals', ['serve', '--shard', 'Exon']],
    ['serve --database not postgres', ['serve', '--database', 'mysql://x']],
    ['serve --port without a value', ['serve', '--port']],
    ['import without a file', ['import']],
    ['import with an unknown flag', ['import', 'x.json', '--bogus']],
    ['verify with an unknown flag', ['verify', '--bogus']],
    ['verify with a stray positional', ['verify', 'rockfest']],
    ['broadcast without a target', ['broadcast', 'hello']],
  ];
  for (const [what, args, env] of cases) {
    test(what, async () => {
      const r = await cli([...args, ...(args.length > 0 && !args.includes('--data') ? ['--data', data.path] : [])], { env, timeoutMs: 10_000 });
      assert.equal(r.signal, null, `${what}: did not exit (a gateway started?)`);
      assert.equal(r.code, 2, `${what}: ${r.stdout}${r.stderr}`);
      assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace');
    });
  }
});

test('--help exits 0 with the usage; --version prints the version', async () => {
  const help = await cli(['--help']);
  assert.equal(help.code, 0);
  for (const sub of ['serve', 'import', 'verify', 'broadcast']) assert.match(help.stdout, new RegExp(`concertpos ${sub}`));
  assert.match(help.stdout, /CONCERTPOS_PORT/);
  const version = await cli(['--version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+/);
});

test('unknown subcommand: the message names it', async () => {
  const r = await cli(['frobnicate']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /frobnicate/);
});

describe('port in use', () => {
  let blocker: Server;
  let port: number;
  before(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    port = (blocker.address() as { port: number }).port;
  });
  after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  test('serve --port BUSY exits 1 with a message', async () => {
    const r = await cli(['serve', '--port', String(port), '--data', data.path, '--log-level', 'warn'], { timeoutMs: 15_000 });
    assert.equal(r.signal, null, 'the gateway did not stop');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /in use|EADDRINUSE/);
    assert.doesNotMatch(r.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace');
  });

  test('CONCERTPOS_PORT=BUSY exits 1 too (the variable is read)', async () => {
    const r = await cli(['serve', '--data', data.path, '--log-level', 'warn'], { env: { CONCERTPOS_PORT: String(port) }, timeoutMs: 15_000 });
    assert.equal(r.signal, null, 'the gateway did not stop');
    assert.equal(r.code, 1, r.stdout + r.stderr);
  });

  test('a running gateway\'s port: a second gateway exits 1, the first keeps serving', async () => {
    const first = await startServer(['--data', data.path]);
    try {
      const r = await cli(['serve', '--port', String(first.port), '--data', data.path, '--log-level', 'warn'], { timeoutMs: 15_000 });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const health = await fetch(`http://127.0.0.1:${first.port}/healthz`);
      assert.equal(health.status, 200);
    } finally {
      assert.equal(await first.stop(), 0);
    }
  });
});

describe('§8 subcommands', () => {
  test('serve prints the URL a terminal should use and serves the demo on an empty store', async () => {
    const fresh = tempDir('concertpos-usage-demo-');
    try {
      const server = await startServer(['--data', fresh.path]);
      try {
        assert.match(server.output(), new RegExp(`ws://127\\.0\\.0\\.1:${server.port}/\\?instance=demo`));
      } finally {
        assert.equal(await server.stop(), 0);
      }
    } finally {
      fresh.remove();
    }
  });

  test('admin-key --instance SLUG prints a new key alone on one line of stdout', async () => {
    const dir = tempDir('concertpos-usage-admin-');
    try {
      const file = writeInstanceFile(dir.path, 'i.json', [instanceSpec('rockfest')]);
      assert.equal((await cli(['import', file, '--data', dir.path])).code, 0);
      const a = await cli(['admin-key', '--instance', 'rockfest', '--data', dir.path]);
      assert.equal(a.code, 0, a.stdout + a.stderr);
      const lines = a.stdout.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, a.stdout);
      const b = await cli(['admin-key', '--instance', 'rockfest', '--data', dir.path]);
      assert.equal(b.code, 0, b.stdout + b.stderr);
      assert.notEqual(b.stdout.trim(), a.stdout.trim(), 'a new random key each time');
      const missing = await cli(['admin-key', '--data', dir.path]);
      assert.equal(missing.code, 2, 'admin-key without --instance is bad usage');
    } finally {
      dir.remove();
    }
  });
});
