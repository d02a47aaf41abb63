import fs from 'node:fs';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Context from 'node-media-server/src/core/context.js';
import { createTestApp, expectProblem, type TestApp } from '../../../../test/helpers.js';
import { COUNTY_A, COUNTY_B, makeCounty, makeUser, type MadeUser } from '../../../../test/factories.js';
import { liveRoom, type LiveFrame } from '../../../contracts/live-events.js';
import { nowIso } from '../../../platform/time.js';
import { authorizePublish, startVideo, stopVideo } from './index.js';
import { parseRange } from './video.service.js';
import { builtinMediaConfig, FlvReader, makeLiveSession, newKey, pushTestPattern, waitFor, type Pusher } from './video.testkit.js';

/**
 * Live video through the real stack: ffmpeg pushes a test pattern over RTMP to the built-in
 * node-media-server, viewers read FLV back over HTTP from the session's route, the key check
 * refuses what it must before a stream is registered, video state follows the publisher
 * (closed or stalled), and an ended hosted session gets a replay served with byte ranges.
 */

let t: TestApp;
let base: string;
let host: MadeUser;
let otherHost: MadeUser;
let buyer: MadeUser;
let operator: MadeUser;
let operatorB: MadeUser;
const pushers: Pusher[] = [];

const rtmp = (key: string) => `rtmp://127.0.0.1:${t.deps.media.ports!.rtmp}/live/${key}`;
const videoPath = (id: string) => `/api/v1/live/sessions/${id}/video.flv`;
const state = async (id: string) => t.deps.db.selectFrom('live_session').select(['status', 'video_state', 'video_seen_at', 'replay_path']).where('id', '=', id).executeTakeFirstOrThrow();
const push = (key: string, seconds = 60, audio = true) => { const p = pushTestPattern(rtmp(key), seconds, { audio }); pushers.push(p); return p; };

/** Reads the live route over real HTTP for `ms`, returning the status, headers and FLV tags seen. */
function watch(id: string, ms: number, cookie?: string): Promise<{ status: number; type: string; tags: FlvReader['tags']; flags: number; body: string; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${videoPath(id)}`, { headers: cookie ? { cookie } : {} }, (res) => {
      const reader = new FlvReader();
      let body = '';
      let ended = false;
      const finish = () => { clearTimeout(timer); req.destroy(); resolve({ status: res.statusCode!, type: String(res.headers['content-type']), tags: reader.tags, flags: reader.flags, body, ended }); };
      const timer = setTimeout(finish, ms);
      res.on('data', (c: Buffer) => { if (res.statusCode === 200) reader.push(c); else body += c.toString(); });
      res.on('end', () => { ended = true; finish(); });
    });
    req.on('error', reject);
  });
}

beforeAll(async () => {
  t = await createTestApp({ media: builtinMediaConfig(2) });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = t.app.server.address() as { port: number };
  base = `http://127.0.0.1:${addr.port}`;
  ({ operator } = await makeCounty(t, COUNTY_A));
  ({ operator: operatorB } = await makeCounty(t, COUNTY_B));
  host = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '小王主播');
  otherHost = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '别的主播');
  buyer = await makeUser(t, [{ role: 'buyer' }], '远方买家');
});
afterAll(async () => {
  await Promise.all(pushers.map((p) => p.stop()));
  await t?.close();
  fs.rmSync(t.config.media.recordingsDir, { recursive: true, force: true });
});

describe('ingest and playback', () => {
  it('a host pushes with ffmpeg; viewers read FLV tags whose timestamps advance, the room hears video arrive and stop', async () => {
    const s = await makeLiveSession(t.deps, host.id, COUNTY_A);
    const frames: LiveFrame[] = [];
    const unlisten = t.deps.realtime.listen(liveRoom(s.id), (f) => frames.push(f));
    expect(t.deps.media.ingestUrl(s.key)).toBe(`${t.config.rtmpPublicUrl}/${s.key}`);

    const p = push(s.key);
    await waitFor('video to arrive', async () => (await state(s.id)).video_state === 'receiving');
    const seen = await watch(s.id, 3000);
    expect(seen.status).toBe(200);
    expect(seen.type).toBe('video/x-flv');
    const video = seen.tags.filter((x) => x.type === 9);
    const audio = seen.tags.filter((x) => x.type === 8);
    expect(video.length).toBeGreaterThan(40);
    expect(audio.length).toBeGreaterThan(40);
    expect(video.some((x) => x.keyframe)).toBe(true);
    const ts = video.map((x) => x.timestamp);
    for (let i = 1; i < ts.length; i++) expect(ts[i]!).toBeGreaterThanOrEqual(ts[i - 1]!);
    // ~3 s of reading after a GOP of cache: the timeline moved by well over 2 s.
    expect(ts.at(-1)! - ts[0]!).toBeGreaterThan(2000);
    // The key never reaches a viewer: not in headers, not in the stream's bytes we parsed, not in the URL.
    expect(JSON.stringify(seen)).not.toContain(s.key);
    // HEAD answers at once instead of opening an endless stream.
    const head = await t.client().request('HEAD', videoPath(s.id));
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('video/x-flv');

    // The publisher leaves: offline at once (not ~30 s later when node-media-server gives up on a resume).
    const viewer = watch(s.id, 15_000);
    await new Promise((r) => setTimeout(r, 800));
    const stoppedAt = Date.now();
    await p.stop();
    await waitFor('offline', async () => (await state(s.id)).video_state === 'offline', 5000);
    expect(Date.now() - stoppedAt).toBeLessThan(5000); // seconds, not donePublish's 30 (generous: a busy CI box)
    const v = await viewer;
    expect(v.ended).toBe(true); // the viewer's response ends, so the player shows 主播暂时离开 and retries
    expectProblem(await t.client().get(videoPath(s.id)), 409, 'video_offline');
    unlisten();
    const states = frames.filter((f) => f.type === 'session').map((f) => (f.data as { videoState: string }).videoState);
    expect(states).toEqual(['receiving', 'offline']);
    expect((await state(s.id)).status).toBe('live');
  });

  it('the FLV header tells the player what the stream carries (a video-only phone app would otherwise never start)', async () => {
    const withAudio = await makeLiveSession(t.deps, host.id, COUNTY_A);
    const videoOnly = await makeLiveSession(t.deps, host.id, COUNTY_A);
    const p1 = push(withAudio.key);
    const p2 = push(videoOnly.key, 60, false);
    await waitFor('both arriving', async () => (await state(withAudio.id)).video_state === 'receiving' && (await state(videoOnly.id)).video_state === 'receiving');
    const [a, v] = await Promise.all([watch(withAudio.id, 1500), watch(videoOnly.id, 1500)]);
    expect(a.flags).toBe(0x05);
    expect(v.flags).toBe(0x01);
    expect(v.tags.some((x) => x.type === 8)).toBe(false);
    expect(v.tags.filter((x) => x.type === 9).length).toBeGreaterThan(10);
    await Promise.all([p1.stop(), p2.stop()]);
  });

  it('keeps a live HLS copy for players without Media Source Extensions, behind the same checks', async () => {
    const s = await makeLiveSession(t.deps, host.id, COUNTY_A);
    const hls = (file: string) => `/api/v1/live/sessions/${s.id}/hls/${file}`;
    const p = push(s.key);
    await waitFor('video', async () => (await state(s.id)).video_state === 'receiving');
    const playlist = await waitFor('a playlist with segments', async () => {
      const r = await t.client().get(hls('index.m3u8'));
      return r.status === 200 && /\d+\.ts/.test(String(r.body)) ? r : null;
    }, 15_000, 300);
    expect(playlist.headers['content-type']).toBe('application/vnd.apple.mpegurl');
    expect(playlist.headers['cache-control']).toBe('no-store');
    expect(String(playlist.body)).toContain('#EXTM3U');
    expect(String(playlist.body)).not.toContain(s.key);
    const segment = /^(\d+\.ts)$/m.exec(String(playlist.body))![1]!;
    const seg = await t.client().get(hls(segment));
    expect(seg.status).toBe(200);
    expect(seg.headers['content-type']).toBe('video/mp2t');
    expect(seg.raw.rawPayload[0]).toBe(0x47); // MPEG-TS sync byte
    expect((await t.client().get(hls('../index.m3u8'))).status).toBeGreaterThanOrEqual(400);
    expect((await t.client().get(hls('evil.sh'))).status).toBe(400);
    expectProblem(await t.client().get(hls('999999.ts')), 404, 'not_found');
    await p.stop();
    await waitFor('offline', async () => (await state(s.id)).video_state === 'offline');
    expectProblem(await t.client().get(hls('index.m3u8')), 409, 'video_offline');
  });

  it('a stalled publisher (socket open, no packets) goes offline within the stall window and back when packets resume', async () => {
    const s = await makeLiveSession(t.deps, host.id, COUNTY_A);
    const p = push(s.key);
    await waitFor('video', async () => (await state(s.id)).video_state === 'receiving');
    p.proc.kill('SIGSTOP');
    const stalledAt = Date.now();
    await waitFor('stall detected', async () => (await state(s.id)).video_state === 'offline', 8000);
    expect(Date.now() - stalledAt).toBeLessThan(2000 + 3000); // the 2-s stall window, plus a busy machine's slack
    p.proc.kill('SIGCONT');
    await waitFor('video back', async () => (await state(s.id)).video_state === 'receiving', 8000);
    await p.stop();
  });

  it('refuses unknown, revoked, ended, cancelled, unapproved and external keys before a stream is registered', async () => {
    const revoked = await makeLiveSession(t.deps, host.id, COUNTY_A);
    await t.deps.db.updateTable('live_stream_key').set({ revoked_at: nowIso() }).where('stream_key', '=', revoked.key).execute();
    const ended = await makeLiveSession(t.deps, host.id, COUNTY_A, { status: 'ended', ended_at: nowIso() });
    const cancelled = await makeLiveSession(t.deps, host.id, COUNTY_A, { status: 'cancelled' });
    const pending = await makeLiveSession(t.deps, host.id, COUNTY_A, { status: 'scheduled', approval: 'pending' });
    const external = await makeLiveSession(t.deps, host.id, COUNTY_A, { kind: 'external' });
    const cases = [
      ['unknown', newKey(), 'unknown_key'],
      ['revoked', revoked.key, 'revoked_key'],
      ['ended', ended.key, 'session_closed'],
      ['cancelled', cancelled.key, 'session_closed'],
      ['unapproved', pending.key, 'not_approved'],
      ['external', external.key, 'external_session'],
    ] as const;
    for (const [, key, reason] of cases) expect(await authorizePublish(t.deps, key)).toEqual({ ok: false, reason });
    // Through the real ingest: ffmpeg is refused (exits with an error) and nothing was ever registered.
    const attempts = cases.map(([name, key]) => ({ name, key, p: push(key, 5) }));
    for (const a of attempts) {
      const code = await Promise.race([a.p.exited, new Promise((r) => setTimeout(() => r('still running'), 8000))]);
      expect(code, a.name).not.toBe(0);
      expect(code, a.name).not.toBe('still running');
      expect(Context.broadcasts.get(`/live/${a.key}`)?.publisher ?? null, a.name).toBeNull();
    }
    for (const s of [revoked, ended, cancelled, pending, external]) expect((await state(s.id)).video_state).toBe('offline');
  });

  it('refuses FLV publishing over HTTP POST and WebSocket even with a valid key (only RTMP goes through the key check)', async () => {
    const s = await makeLiveSession(t.deps, host.id, COUNTY_A);
    const port = t.deps.media.ports!.http;
    const flv = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '1', '-c:v', 'libx264', '-f', 'flv', 'pipe:1'], { maxBuffer: 10 * 1024 * 1024 });
    await new Promise<void>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: `/live/${s.key}.flv` }, (res) => { res.resume(); res.on('end', resolve); res.on('error', () => resolve()); });
      req.on('error', () => resolve());
      req.end(flv);
    });
    expect(Context.broadcasts.get(`/live/${s.key}`)?.publisher ?? null).toBeNull();
    const { WebSocket } = await import('ws');
    const ws = new WebSocket(`ws://127.0.0.1:${port}/live/${s.key}.flv`, 'publisher');
    await new Promise<void>((resolve) => {
      ws.on('open', () => ws.send(flv));
      ws.on('close', () => resolve());
      ws.on('error', () => resolve());
    });
    expect(Context.broadcasts.get(`/live/${s.key}`)?.publisher ?? null).toBeNull();
    expect((await state(s.id)).video_state).toBe('offline');
  });

  it('nobody can pull a stream from the media server with the key (its playback needs this process\'s signature)', async () => {
    const s = await makeLiveSession(t.deps, host.id, COUNTY_A);
    const p = push(s.key);
    await waitFor('video', async () => (await state(s.id)).video_state === 'receiving');
    const unsigned = await new Promise<number>((resolve) => {
      let bytes = 0;
      const req = http.get(`http://127.0.0.1:${t.deps.media.ports!.http}/live/${s.key}.flv`, (res) => {
        res.on('data', (c: Buffer) => { bytes += c.length; });
        res.on('end', () => resolve(bytes));
        res.on('error', () => resolve(bytes));
      });
      req.on('error', () => resolve(bytes));
      setTimeout(() => { req.destroy(); resolve(bytes); }, 1500);
    });
    expect(unsigned).toBeLessThan(100); // at most an FLV header, never video
    await p.stop();
  });
});

describe('who may watch, and clear answers when there is nothing to watch', () => {
  it('answers problems instead of hanging: unknown, not live yet, ended, cancelled, external, no video', async () => {
    expectProblem(await t.client().get(videoPath('lvs_nope')), 404, 'not_found');
    const scheduled = await makeLiveSession(t.deps, host.id, COUNTY_A, { status: 'scheduled', started_at: null });
    expectProblem(await buyer.client.get(videoPath(scheduled.id)), 409, 'session_not_live');
    // The host previews before going live: no video yet is video_offline, not "not live".
    expectProblem(await host.client.get(videoPath(scheduled.id)), 409, 'video_offline');
    const ended = await makeLiveSession(t.deps, host.id, COUNTY_A, { status: 'ended', ended_at: nowIso() });
    expectProblem(await t.client().get(videoPath(ended.id)), 409, 'session_ended');
    const cancelled = await makeLiveSession(t.deps, host.id, COUNTY_A, { status: 'cancelled' });
    expectProblem(await t.client().get(videoPath(cancelled.id)), 409, 'session_cancelled');
    const external = await makeLiveSession(t.deps, host.id, COUNTY_A, { kind: 'external' });
    expectProblem(await t.client().get(videoPath(external.id)), 409, 'external_session');
    const live = await makeLiveSession(t.deps, host.id, COUNTY_A);
    const res = await t.client().get(videoPath(live.id));
    expectProblem(res, 409, 'video_offline');
    expect(res.body.retryAfterSeconds).toBe(3);
  });

  it('practice and unapproved sessions: only the host, mentors and the county center (another county gets 404)', async () => {
    const practice = await makeLiveSession(t.deps, host.id, COUNTY_A, { kind: 'practice' });
    const mentor = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '导师');
    await t.deps.db.insertInto('live_session_mentor').values({ session_id: practice.id, user_id: mentor.id, created_at: nowIso() }).execute();
    for (const c of [t.client(), buyer.client, otherHost.client, operatorB.client]) expectProblem(await c.get(videoPath(practice.id)), 404, 'not_found');
    for (const c of [host.client, mentor.client, operator.client]) expectProblem(await c.get(videoPath(practice.id)), 409, 'video_offline');

    const pending = await makeLiveSession(t.deps, host.id, COUNTY_A, { approval: 'pending' });
    expectProblem(await buyer.client.get(videoPath(pending.id)), 404, 'not_found');
    expectProblem(await operator.client.get(videoPath(pending.id)), 409, 'video_offline');

    // A practice stream plays for its mentor over real HTTP with the mentor's cookie.
    const p = push(practice.key);
    await waitFor('video', async () => (await state(practice.id)).video_state === 'receiving');
    const asMentor = await watch(practice.id, 1500, mentor.client.cookie!);
    expect(asMentor.status).toBe(200);
    expect(asMentor.tags.some((x) => x.type === 9)).toBe(true);
    const asBuyer = await watch(practice.id, 1000, buyer.client.cookie!);
    expect(asBuyer.status).toBe(404);
    await new Promise((r) => setTimeout(r, 1500));
    await p.stop();
    // Practice is recorded too: the mentor reviews it from the replay (training); others still get 404.
    await t.deps.db.updateTable('live_session').set({ status: 'ended', ended_at: nowIso() }).where('id', '=', practice.id).execute();
    await waitFor('practice replay', async () => (await state(practice.id)).replay_path, 25_000, 500);
    const replay = await mentor.client.request('GET', `/api/v1/live/sessions/${practice.id}/replay`, undefined, { range: 'bytes=0-7' });
    expect(replay.status).toBe(206);
    expectProblem(await buyer.client.get(`/api/v1/live/sessions/${practice.id}/replay`), 404, 'not_found');
  });
});

describe('ending, restarts and replay', () => {
  it('a restart of the media server mid-session: the session stays live and plays again when the stream comes back', async () => {
    const s = await makeLiveSession(t.deps, host.id, COUNTY_A);
    const p1 = push(s.key);
    await waitFor('video', async () => (await state(s.id)).video_state === 'receiving');
    await stopVideo(t.deps);
    await p1.exited;
    await waitFor('offline after the stop', async () => (await state(s.id)).video_state === 'offline', 5000);
    // A crash leaves no chance to say so: the state stays 'receiving'. Start-up resets it.
    await t.deps.db.updateTable('live_session').set({ video_state: 'receiving' }).where('id', '=', s.id).execute();
    await startVideo(t.deps);
    expect((await state(s.id)).video_state).toBe('offline');
    expect((await state(s.id)).status).toBe('live');
    const p2 = push(s.key); // OBS reconnecting
    await waitFor('video back', async () => (await state(s.id)).video_state === 'receiving');
    const seen = await watch(s.id, 1500);
    expect(seen.status).toBe(200);
    expect(seen.tags.filter((x) => x.type === 9).length).toBeGreaterThan(5);
    expect((await state(s.id)).status).toBe('live');
    await p2.stop();
  });

  it('ending a session cuts its publisher, and the recording becomes a replay served with byte ranges to whoever may see it', async () => {
    const s = await makeLiveSession(t.deps, host.id, COUNTY_A);
    const p = push(s.key);
    await waitFor('video', async () => (await state(s.id)).video_state === 'receiving');
    await new Promise((r) => setTimeout(r, 3500));
    expectProblem(await t.client().get(`/api/v1/live/sessions/${s.id}/replay`), 404, 'no_replay');
    // What the sessions module's "end" does to the row; the video side notices on its own.
    await t.deps.db.updateTable('live_session').set({ status: 'ended', ended_at: nowIso() }).where('id', '=', s.id).execute();
    const code = await Promise.race([p.exited, new Promise((r) => setTimeout(() => r('still running'), 8000))]);
    expect(code).not.toBe('still running'); // the publisher was cut off
    const row = await waitFor('replay', async () => { const r = await state(s.id); return r.replay_path ? r : null; }, 25_000, 500);
    expect(row.replay_path).toBe(`replays/${s.id}.mp4`);
    expect(row.video_state).toBe('offline');
    // Still refused at the ingest afterwards.
    expect(await authorizePublish(t.deps, s.key)).toEqual({ ok: false, reason: 'session_closed' });

    const url = `/api/v1/live/sessions/${s.id}/replay`;
    const whole = await buyer.client.get(url);
    expect(whole.status).toBe(200);
    expect(whole.headers['content-type']).toBe('video/mp4');
    expect(whole.headers['accept-ranges']).toBe('bytes');
    const size = Number(whole.headers['content-length']);
    expect(size).toBeGreaterThan(10_000);
    const part = await buyer.client.request('GET', url, undefined, { range: 'bytes=0-99' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 0-99/${size}`);
    expect(part.raw.rawPayload.length).toBe(100);
    expect(part.raw.rawPayload.subarray(4, 8).toString('latin1')).toBe('ftyp');
    const tail = await buyer.client.request('GET', url, undefined, { range: 'bytes=-10' });
    expect(tail.status).toBe(206);
    expect(tail.raw.rawPayload.length).toBe(10);
    const bad = await buyer.client.request('GET', url, undefined, { range: `bytes=${size}-` });
    expect(bad.status).toBe(416);
    expect(bad.headers['content-range']).toBe(`bytes */${size}`);
    // The replay really is a few seconds of video and audio.
    const probe = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name', '-of', 'json', `${t.config.media.recordingsDir}/${row.replay_path}`]).toString();
    const info = JSON.parse(probe) as { format: { duration: string }; streams: { codec_name: string }[] };
    expect(Number(info.format.duration)).toBeGreaterThan(2.5);
    expect(info.streams.map((x) => x.codec_name).sort()).toEqual(['aac', 'h264']);
    // The pieces were removed once joined.
    expect(t.deps.media.recordings(s.key)).toEqual([]);
  });

  it('through the sessions routes: schedule → approve → key → preview → go live → watch → rotate cuts the old key → end → replay', async () => {
    const at = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
    const created = await host.client.post('/api/v1/live/sessions', { kind: 'hosted', title: '长白山蓝莓专场', scheduledStart: at(10), scheduledEnd: at(130) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const keyRes = await host.client.get(`/api/v1/live/sessions/${id}/stream-key`);
    expect(keyRes.status).toBe(200);
    const key = keyRes.body.streamKey as string;
    // Not approved yet: the ingest refuses it.
    expect(await authorizePublish(t.deps, key)).toEqual({ ok: false, reason: 'not_approved' });
    expect((await operator.client.post(`/api/v1/live/sessions/${id}/approve`, { note: '可以' })).status).toBe(200);
    const p1 = push(key);
    await waitFor('preview video', async () => (await state(id)).video_state === 'receiving');
    // Scheduled: the host previews, a buyer waits for the start.
    expect((await watch(id, 1000, host.client.cookie!)).status).toBe(200);
    expect((await watch(id, 500, buyer.client.cookie!)).status).toBe(409);
    expect((await host.client.post(`/api/v1/live/sessions/${id}/go-live`)).status).toBe(200);
    const seen = await watch(id, 1500, buyer.client.cookie!);
    expect(seen.status).toBe(200);
    expect(seen.tags.some((x) => x.type === 9)).toBe(true);
    // Rotating the key cuts the running publisher within a few seconds; the new key publishes.
    const rotated = await host.client.post(`/api/v1/live/sessions/${id}/stream-key/rotate`);
    expect(rotated.status).toBe(200);
    const cut = await Promise.race([p1.exited, new Promise((r) => setTimeout(() => r('still running'), 8000))]);
    expect(cut).not.toBe('still running');
    const p2 = push(rotated.body.streamKey as string);
    await waitFor('video on the new key', async () => (await state(id)).video_state === 'receiving');
    await new Promise((r) => setTimeout(r, 2000));
    expect((await host.client.post(`/api/v1/live/sessions/${id}/end`)).status).toBe(200);
    await Promise.race([p2.exited, new Promise((r) => setTimeout(r, 8000))]);
    const row = await waitFor('replay', async () => { const r = await state(id); return r.replay_path ? r : null; }, 25_000, 500);
    const view = await buyer.client.get(`/api/v1/live/public/sessions/${id}`);
    expect(view.body.hasReplay).toBe(true);
    const replay = await buyer.client.request('GET', `/api/v1/live/sessions/${id}/replay`, undefined, { range: 'bytes=0-15' });
    expect(replay.status).toBe(206);
    // Both keys' pieces are in the one replay.
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'json', `${t.config.media.recordingsDir}/${row.replay_path}`]).toString()) as { format: { duration: string } };
    expect(Number(probe.format.duration)).toBeGreaterThan(3);
  });

  it('parses byte ranges', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-5', 100)).toEqual({ start: 95, end: 99 });
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('invalid');
    expect(parseRange('bytes=9-3', 100)).toBe('invalid');
    expect(parseRange('bytes=-0', 100)).toBe('invalid');
    expect(parseRange('items=1-2', 100)).toBe('invalid');
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull();
  });
});
