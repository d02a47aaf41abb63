import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { newId } from '../src/platform/ids.js';
import { nowIso } from '../src/platform/time.js';
import { builtinMediaConfig, makeLiveSession, waitFor } from '../src/modules/live/video/video.testkit.js';

/**
 * Camera-to-viewer delay of live video on loopback, measured on the screen.
 *
 * The "camera" is this script: 25 times a second it draws a 320×240 frame whose top rows carry
 * the wall clock (ms, 32 bits as black/white 20-px blocks, written twice) and pipes it to ffmpeg,
 * which encodes as a host's encoder would (libx264 veryfast zerolatency, keyframe every second,
 * AAC tone) and pushes RTMP to the built-in ingest. Chromium (phone-sized, headless) opens the
 * session's video page, whose VideoPlayer plays the HTTP-FLV route with mpegts.js; for every
 * frame it presents (requestVideoFrameCallback) the page reads the blocks back from a canvas and
 * subtracts the clock they carry from the frame's expected display time. Same machine, same
 * clock, so the difference is the whole chain: encode, RTMP, media server (GOP cache), the
 * playback route, mpegts.js buffering (latency chasing) and decode.
 *
 *   npm run build:web && npx tsx bench/live-latency.ts      (BENCH_SECONDS=30 to sample longer)
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const W = 320;
const H = 240;
const BLOCK = 20;
const WEB_DIR = path.resolve('dist/web');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function frame(clockMs: number, n: number): Buffer {
  const buf = Buffer.alloc(W * H, 0);
  // A moving gradient below the code, so the encoder has real work.
  for (let y = 4 * BLOCK; y < H; y++) for (let x = 0; x < W; x++) buf[y * W + x] = (x + y + n * 4) & 0xff;
  const value = clockMs >>> 0;
  for (let copy = 0; copy < 2; copy++) {
    for (let bit = 0; bit < 32; bit++) {
      const on = (value >>> bit) & 1;
      const bx = (bit % 16) * BLOCK;
      const by = (copy * 2 + Math.floor(bit / 16)) * BLOCK;
      for (let y = by; y < by + BLOCK; y++) buf.fill(on ? 255 : 0, y * W + bx, y * W + bx + BLOCK);
    }
  }
  return buf;
}

async function main() {
  if (!fs.existsSync(path.join(WEB_DIR, 'index.html'))) throw new Error('build the web app first: npm run build:web');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fengshou-latency-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SEED_DEMO: 'false', MEDIA_SERVER: 'off' }, { webDir: WEB_DIR, media: builtinMediaConfig(3) });
  const built = await buildApp(config, { logger: false });
  const base = Date.now() - 1000;
  let ffmpeg: ReturnType<typeof spawn> | null = null;
  let timer: NodeJS.Timeout | null = null;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const address = await built.app.listen({ port: 0, host: '127.0.0.1' });
    const hostId = newId('user');
    await built.deps.db.insertInto('app_user').values({ id: hostId, phone: '13700000000', name: '测速主播', password_hash: 'x', failed_logins: 0, locked_until: null, disabled_at: null, created_at: nowIso() }).execute();
    const s = await makeLiveSession(built.deps, hostId, '220622');

    ffmpeg = spawn('ffmpeg', [
      '-hide_banner', '-loglevel', 'error',
      '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', `${W}x${H}`, '-r', '25', '-i', 'pipe:0',
      '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', `rtmp://127.0.0.1:${built.deps.media.ports!.rtmp}/live/${s.key}`,
    ], { stdio: ['pipe', 'ignore', 'inherit'] });
    let n = 0;
    const stdin = ffmpeg.stdin!;
    stdin.on('error', () => {});
    timer = setInterval(() => { stdin.write(frame(Date.now() - base, n++)); }, 40);

    await waitFor('video at the ingest', async () => (await built.deps.db.selectFrom('live_session').select('video_state').where('id', '=', s.id).executeTakeFirstOrThrow()).video_state === 'receiving', 20_000);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${address}/live/${s.id}/video`);
    await page.waitForSelector('[data-testid=live-video][data-state=playing]', { timeout: 30_000 });
    await page.waitForTimeout(3000); // let latency chasing settle, as a viewer would see it after a moment
    await page.evaluate('globalThis.__name = (f) => f'); // tsx names functions with a helper the page lacks

    const samples = await page.evaluate(async ({ seconds, base, W, H, BLOCK }) => {
      // Runs in the page; typed loosely because the server's tsconfig has no DOM library.
      const doc = (globalThis as any).document; // eslint-disable-line @typescript-eslint/no-explicit-any
      const video = doc.querySelector('[data-testid=live-video] video');
      const canvas = doc.createElement('canvas');
      canvas.width = W;
      canvas.height = H;
      const g = canvas.getContext('2d', { willReadFrequently: true });
      const read = (copy: number) => {
        let v = 0;
        for (let bit = 0; bit < 32; bit++) {
          const x = (bit % 16) * BLOCK + BLOCK / 2 - 3;
          const y = (copy * 2 + Math.floor(bit / 16)) * BLOCK + BLOCK / 2 - 3;
          const d: Uint8ClampedArray = g.getImageData(x, y, 6, 6).data;
          let sum = 0;
          for (let i = 0; i < d.length; i += 4) sum += d[i]!;
          if (sum / 36 > 128) v |= 1 << bit;
        }
        return v >>> 0;
      };
      const out: number[] = [];
      let bad = 0;
      await new Promise<void>((resolve) => {
        const until = performance.now() + seconds * 1000;
        const onFrame = (_now: number, meta: { expectedDisplayTime: number }) => {
          g.drawImage(video, 0, 0, W, H);
          const a = read(0);
          const b = read(1);
          if (a === b) out.push(performance.timeOrigin + meta.expectedDisplayTime - (base + a));
          else bad++;
          if (performance.now() < until) video.requestVideoFrameCallback(onFrame);
          else resolve();
        };
        video.requestVideoFrameCallback(onFrame);
      });
      return { out, bad, dropped: video.getVideoPlaybackQuality().droppedVideoFrames, buffered: video.buffered.length ? video.buffered.end(video.buffered.length - 1) - video.currentTime : 0 };
    }, { seconds: SECONDS, base, W, H, BLOCK });

    const sorted = [...samples.out].sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
    console.log(`Fengshou live latency — loopback, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}, node ${process.version}, Chromium headless 390×844`);
    console.log(`frames read ${sorted.length} (unreadable ${samples.bad}, dropped ${samples.dropped}) over ${SECONDS} s; buffer ahead at the end ${samples.buffered.toFixed(2)} s`);
    console.log(`camera-to-screen delay: min ${pct(0).toFixed(0)} ms  p50 ${pct(50).toFixed(0)} ms  p95 ${pct(95).toFixed(0)} ms  max ${sorted.at(-1)!.toFixed(0)} ms  (target < 3000 ms)`);
    await context.close();
  } finally {
    if (timer) clearInterval(timer);
    ffmpeg?.stdin?.end();
    ffmpeg?.kill('SIGTERM');
    await browser.close();
    await built.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(config.media.recordingsDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
