import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * The transport ceiling: a raw `ws` server, configured like the gateway's
 * (no compression, same payload bound), that parses each frame with
 * JSON.parse and answers one fixed envelope. `GET /broadcast` sends a fixed
 * broadcast to every connection (the fan-out ceiling). It is what any
 * WebSocket gateway on Node.js costs before doing any work of its own.
 *
 * Run as its own process: `node ws-server.js`; env BENCH_REPLY is the answer.
 */
const reply = process.env.BENCH_REPLY ?? '{"type":"event","result":{"event":"version","parameters":{"Version":"1.0.0"}}}';
const broadcast = '{"type":"broadcast","result":{"message":"updatepos","parameters":{}}}';

const http = createServer((req, res) => {
  if (req.url === '/broadcast') {
    for (const ws of wss.clients) ws.send(broadcast);
    res.writeHead(200).end('{}');
    return;
  }
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ server: http, maxPayload: 65_536, perMessageDeflate: false });
wss.on('connection', (ws: WebSocket) => {
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    let answer = reply;
    try {
      JSON.parse(isBinary ? '' : data.toString('utf8'));
    } catch {
      answer = '{"type":"error","result":{"error":"invalid_json","code":4000}}';
    }
    ws.send(answer);
  });
  ws.on('error', () => ws.terminate());
});
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  console.log(`ceiling listening on ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`);
});
process.on('SIGTERM', () => process.exit(0));
