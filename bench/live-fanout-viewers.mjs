// Load generator for bench/live-fanout.ts: opens N viewer WebSockets to one room and records,
// per `comment` frame received, the delay from the server's publish instant (the frame's `at`)
// to its arrival here, and whether ids arrive without a gap. Plain JavaScript in its own
// process so that the server under test keeps a core. Frames are not decoded or JSON-parsed (the
// id is read from the bytes at the start, `at` from the end) so the generator spends as little as
// possible per message.
import WebSocket from 'ws';

const viewers = [];
let lat = [];
let comments = 0;
let gaps = 0;
let dupes = 0;
let closed = 0;

const COMMENT = Buffer.from(',"type":"comment"');
const digit = (b, i) => b[i] - 48;
/** Milliseconds since midnight UTC of the ISO instant ending at b[end] ("…T04:30:21.123Z"). */
function msOfDay(b, end) {
  const z = end - 1; // index of 'Z'
  return ((digit(b, z - 12) * 10 + digit(b, z - 11)) * 3600 + (digit(b, z - 9) * 10 + digit(b, z - 8)) * 60 + digit(b, z - 6) * 10 + digit(b, z - 5)) * 1000
    + digit(b, z - 3) * 100 + digit(b, z - 2) * 10 + digit(b, z - 1);
}

function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
    const v = { ws, lastId: 0, comments: 0 };
    ws.on('message', (data) => {
      const now = Date.now() % 86_400_000;
      // Event frames start {"id":<digits>, control frames {"id":null.
      if (data[6] === 110 /* n */) {
        const s = data.toString();
        if (s.includes('"type":"hello"')) {
          v.lastId = Number(/"lastId":(\d+)/.exec(s)[1]);
          resolve(v);
        }
        return;
      }
      let id = 0;
      let i = 6;
      for (; data[i] !== 44 /* , */; i++) id = id * 10 + digit(data, i);
      if (id <= v.lastId) dupes++;
      else if (id !== v.lastId + 1) gaps += id - v.lastId - 1;
      v.lastId = Math.max(v.lastId, id);
      if (data.compare(COMMENT, 0, COMMENT.length, i, i + COMMENT.length) === 0) {
        // The frame ends with "at":"<ISO instant>"} : read the clock fields without parsing.
        lat.push((now - msOfDay(data, data.length - 2) + 86_400_000) % 86_400_000);
        v.comments++;
        comments++;
      }
    });
    ws.on('close', () => { closed++; });
    ws.on('error', reject);
  });
}

process.on('message', async (m) => {
  try {
    if (m.cmd === 'connect') {
      // In batches, as a crowd arrives, without a SYN flood on loopback.
      while (viewers.length < m.n) {
        const batch = Math.min(200, m.n - viewers.length);
        viewers.push(...(await Promise.all(Array.from({ length: batch }, () => open(m.url)))));
      }
      process.send({ connected: viewers.length });
    } else if (m.cmd === 'reset') {
      lat = []; comments = 0; gaps = 0; dupes = 0;
      for (const v of viewers) v.comments = 0;
      process.send({ ok: true });
    } else if (m.cmd === 'stats') {
      const perViewer = viewers.map((v) => v.comments);
      const sorted = Float64Array.from(lat).sort();
      const pct = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
      process.send({
        p50: pct(50), p90: pct(90), p99: pct(99), max: sorted.length ? sorted[sorted.length - 1] : NaN, samples: sorted.length, comments, gaps, dupes, closed, viewers: viewers.length,
        minPerViewer: Math.min(...perViewer), maxPerViewer: Math.max(...perViewer),
      });
    } else if (m.cmd === 'stop') {
      for (const v of viewers) v.ws.terminate();
      process.exit(0);
    }
  } catch (err) {
    process.send({ error: String(err && err.stack || err) });
  }
});
