import fs from 'node:fs';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../../test/helpers.js';
import { COUNTY_A, makeCounty, makeUser, type MadeUser } from '../../../../test/factories.js';
import { liveRoom, type LiveFrame } from '../../../contracts/live-events.js';
import { nowIso } from '../../../platform/time.js';
import { FlvReader, makeLiveSession, newKey } from './video.testkit.js';

/**
 * MEDIA_SERVER=external: hosts are shown the external ingest URL, the external server's publish
 * callbacks (SRS JSON, nginx-rtmp form, Tencent Cloud events) decide and report, and viewers get
 * the video through this server from the playback template (here a stand-in HTTP-FLV server).
 */

const TOKEN = 'hook-token-0123456789abcdef';
let t: TestApp;
let host: MadeUser;
let fake: http.Server;
let flv: Buffer;
const fakeRequests: string[] = [];

const hook = (body: unknown, token = TOKEN, form = false) => t.client().request('POST', `/api/v1/live/media/hook?token=${encodeURIComponent(token)}`,
  form ? new URLSearchParams(body as Record<string, string>).toString() : body,
  form ? { 'content-type': 'application/x-www-form-urlencoded' } : {});
const state = async (id: string) => (await t.deps.db.selectFrom('live_session').select('video_state').where('id', '=', id).executeTakeFirstOrThrow()).video_state;

beforeAll(async () => {
  flv = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=25', '-f', 'lavfi', '-i', 'sine', '-t', '3',
    '-c:v', 'libx264', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'flv', 'pipe:1'], { maxBuffer: 20 * 1024 * 1024 });
  // Stands in for SRS's http_remux: serves the stream at /live/<key>.flv.
  fake = http.createServer((req, res) => {
    fakeRequests.push(req.url!);
    res.writeHead(200, { 'content-type': 'video/x-flv' });
    res.end(flv);
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  const port = (fake.address() as { port: number }).port;
  const base = (await import('../../../config.js')).loadConfig({}).media;
  t = await createTestApp({
    media: { ...base, server: 'external', ingestUrlTemplate: 'rtmp://live.example.cn/live/{key}', playbackUrlTemplate: `http://127.0.0.1:${port}/live/{key}.flv`, hookToken: TOKEN },
  });
  await makeCounty(t, COUNTY_A);
  host = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '主播');
});
afterAll(async () => {
  await t?.close();
  fake?.close();
});

describe('external media server', () => {
  it('shows hosts the external ingest URL', () => {
    expect(t.deps.media.kind).toBe('external');
    expect(t.deps.media.ingestUrl('sk_abc')).toBe('rtmp://live.example.cn/live/sk_abc');
  });

  it('SRS asks on_publish: a good key is allowed (code 0) and video arrives; on_unpublish takes it away', async () => {
    const s = await makeLiveSession(t.deps, host.id, COUNTY_A);
    const frames: LiveFrame[] = [];
    const off = t.deps.realtime.listen(liveRoom(s.id), (f) => frames.push(f));
    const ok = await hook({ action: 'on_publish', client_id: 'x1', ip: '10.1.2.3', vhost: '__defaultVhost__', app: 'live', stream: s.key, param: '' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ code: 0 });
    expect(await state(s.id)).toBe('receiving');

    // Viewers read through this server; the template address and the key stay inside.
    const res = await new Promise<{ status: number; tags: number; body: string }>((resolve, reject) => {
      t.app.inject({ method: 'GET', url: `/api/v1/live/sessions/${s.id}/video.flv` }).then((r) => {
        const reader = new FlvReader();
        reader.push(r.rawPayload);
        resolve({ status: r.statusCode, tags: reader.tags.filter((x) => x.type === 9).length, body: JSON.stringify(r.headers) });
      }, reject);
    });
    expect(res.status).toBe(200);
    expect(res.tags).toBeGreaterThan(50);
    expect(res.body).not.toContain(s.key);
    expect(fakeRequests.at(-1)).toBe(`/live/${s.key}.flv`);

    const done = await hook({ action: 'on_unpublish', app: 'live', stream: s.key });
    expect(done.status).toBe(200);
    expect(await state(s.id)).toBe('offline');
    expectProblem(await t.client().get(`/api/v1/live/sessions/${s.id}/video.flv`), 409, 'video_offline');
    off();
    expect(frames.filter((f) => f.type === 'session').map((f) => (f.data as { videoState: string }).videoState)).toEqual(['receiving', 'offline']);
  });

  it('refuses unknown, revoked and ended-session keys with 403 (the server then rejects the publish)', async () => {
    const revoked = await makeLiveSession(t.deps, host.id, COUNTY_A);
    await t.deps.db.updateTable('live_stream_key').set({ revoked_at: nowIso() }).where('stream_key', '=', revoked.key).execute();
    const ended = await makeLiveSession(t.deps, host.id, COUNTY_A, { status: 'ended', ended_at: nowIso() });
    for (const [key, reason] of [[newKey(), 'unknown_key'], [revoked.key, 'revoked_key'], [ended.key, 'session_closed']] as const) {
      const res = await hook({ action: 'on_publish', app: 'live', stream: key });
      expectProblem(res, 403, 'publish_refused');
      expect(res.body.reason).toBe(reason);
    }
    expect(await state(revoked.id)).toBe('offline');
    expect(await state(ended.id)).toBe('offline');
  });

  it('nginx-rtmp posts a form (call=publish / publish_done); Tencent Cloud posts event_type 1 / 0', async () => {
    const s = await makeLiveSession(t.deps, host.id, COUNTY_A);
    expect((await hook({ call: 'publish', app: 'live', name: s.key, addr: '10.0.0.9', tcurl: 'rtmp://x/live' }, TOKEN, true)).status).toBe(200);
    expect(await state(s.id)).toBe('receiving');
    expect((await hook({ call: 'publish_done', app: 'live', name: s.key }, TOKEN, true)).status).toBe(200);
    expect(await state(s.id)).toBe('offline');
    expectProblem(await hook({ call: 'publish', app: 'live', name: newKey() }, TOKEN, true), 403, 'publish_refused');
    expect((await hook({ event_type: 1, stream_id: s.key, app: 'live' })).status).toBe(200);
    expect(await state(s.id)).toBe('receiving');
    expect((await hook({ event_type: 0, stream_id: s.key })).status).toBe(200);
    expect(await state(s.id)).toBe('offline');
  });

  it('a wrong or missing token is refused and changes nothing; bad bodies are 400', async () => {
    const s = await makeLiveSession(t.deps, host.id, COUNTY_A);
    expectProblem(await hook({ action: 'on_publish', stream: s.key }, 'wrong-token-0123456789abcdef'), 403, 'bad_hook_token');
    expect(await state(s.id)).toBe('offline');
    const missing = await t.client().post('/api/v1/live/media/hook', { action: 'on_publish', stream: s.key });
    expect(missing.status).toBe(400);
    expect((await hook({ action: 'on_publish', stream: 42 })).status).toBe(400);
    expect(await state(s.id)).toBe('offline');
  });
});

describe('with MEDIA_SERVER=off the hook does not exist', () => {
  it('answers 404', async () => {
    const off = await createTestApp();
    try {
      const res = await off.client().request('POST', `/api/v1/live/media/hook?token=${TOKEN}`, { action: 'on_publish', stream: 'sk_x' });
      expectProblem(res, 404, 'not_found');
    } finally {
      await off.close();
    }
    expect(fs.existsSync(off.dataDir)).toBe(false);
  });
});
