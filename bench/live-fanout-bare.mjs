// Control for bench/live-fanout.ts (BENCH_SERVER=bare): a bare `ws` server that broadcasts one
// pre-serialised frame per event to every client, nothing else — the floor the real server is
// compared with on the same machine at the same moment. Same IPC commands as live-fanout-server.ts.
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
let id = 0;
wss.on('connection', (ws) => ws.send(JSON.stringify({ id: null, type: 'hello', data: { lastId: id }, at: new Date().toISOString() })));

process.on('message', async (m) => {
  if (m.cmd === 'mem') {
    for (let i = 0; i < 3; i++) globalThis.gc?.();
    const u = process.memoryUsage();
    process.send({ mem: { rss: u.rss, heapUsed: u.heapUsed, external: u.external + u.arrayBuffers } });
  } else if (m.cmd === 'publish') {
    const total = Math.round(m.rate * m.seconds);
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const text = '好'.repeat(Math.max(1, Math.floor((m.bytes ?? 60) / 3)));
    for (let i = 0; i < total; i++) {
      const wait = start + (i * 1000) / m.rate - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const at = new Date().toISOString();
      const buf = Buffer.from(JSON.stringify({ id: ++id, type: 'comment', data: { id: `b${i}`, userLabel: '张*', text, at, fromHost: false }, at }));
      for (const c of wss.clients) c.send(buf, { binary: false });
    }
    await new Promise((r) => setTimeout(r, 200));
    const cpu = process.cpuUsage(cpu0);
    process.send({ sent: total, cpuMs: (cpu.user + cpu.system) / 1000 });
  } else if (m.cmd === 'stop') {
    process.exit(0);
  }
});
wss.on('listening', () => process.send({ ready: true, port: wss.address().port, sessionId: 'bare' }));
