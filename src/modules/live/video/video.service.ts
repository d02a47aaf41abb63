import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx, Deps } from '../../../context.js';
import { AppError } from '../../../platform/http/errors.js';
import { inScope } from '../../../platform/http/access.js';
import { nowIso } from '../../../platform/time.js';
import { liveRoom } from '../../../contracts/live-events.js';
import type { LiveSessionTable } from '../live.tables.js';
import type { MediaHooks, PublishDecision, PublishRequest } from './media-server.js';
import { maskKey } from './builtin.js';

/**
 * Live video rules: which stream keys may publish, what "video arriving" means for a session
 * (video_state + the room's `session` event), who may watch, and the replay.
 */

const CENTER = ['center_admin', 'operator'] as const;
/** A viewer whose connection cannot keep up is dropped past this much unsent video (it reconnects at the live edge). */
const MAX_VIEWER_BACKLOG = 2 * 1024 * 1024;

// ---- ingest --------------------------------------------------------------------------------

/**
 * May this key publish? Refuses unknown and revoked keys, keys of an ended or cancelled
 * session, of a session the center has not approved (practice needs no approval) and of an
 * external session (its video is on another platform). Every refusal is logged (key masked).
 * A scheduled session may publish: the host checks the picture before going live.
 */
export async function authorizePublish(deps: Deps, streamKey: string, from: Partial<PublishRequest> = {}): Promise<PublishDecision> {
  const row = await deps.db.selectFrom('live_stream_key as k').innerJoin('live_session as s', 's.id', 'k.session_id')
    .select(['k.revoked_at', 's.id', 's.kind', 's.status', 's.approval'])
    .where('k.stream_key', '=', streamKey).executeTakeFirst();
  let decision: PublishDecision;
  if (!row) decision = { ok: false, reason: 'unknown_key' };
  else if (row.revoked_at) decision = { ok: false, reason: 'revoked_key' };
  else if (row.kind === 'external') decision = { ok: false, reason: 'external_session' };
  else if (row.status === 'ended' || row.status === 'cancelled') decision = { ok: false, reason: 'session_closed' };
  else if (row.kind !== 'practice' && row.approval !== 'approved') decision = { ok: false, reason: 'not_approved' };
  // Practice sessions are recorded too: mentors review them from the replay (training).
  else decision = { ok: true, sessionId: row.id, record: row.kind === 'hosted' || row.kind === 'practice' };
  if (!decision.ok) {
    deps.log.warn({ event: 'live.publish.refused', reason: decision.reason, sessionId: row?.id ?? null, key: maskKey(streamKey), protocol: from.protocol, remote: from.remote }, 'live publish refused');
  }
  return decision;
}

// ---- video state ---------------------------------------------------------------------------

const pending = new Set<Promise<unknown>>();
/** Local viewers of each session's video, so they can be ended the moment video stops. */
const viewers = new Map<string, Set<() => void>>();

function track<T>(p: Promise<T>): void {
  pending.add(p);
  void p.finally(() => pending.delete(p));
}

/** Records whether video arrives (video_state, video_seen_at) and tells the room, once per change. */
export async function setVideoState(deps: Deps, sessionId: string, state: 'offline' | 'receiving'): Promise<void> {
  const now = nowIso();
  const res = await deps.db.updateTable('live_session').set({ video_state: state, video_seen_at: now })
    .where('id', '=', sessionId).where('video_state', '!=', state).executeTakeFirst();
  if (state === 'offline') for (const end of viewers.get(sessionId) ?? []) end();
  if (Number(res.numUpdatedRows) !== 1) return;
  const s = await deps.db.selectFrom('live_session').select(['status', 'video_state', 'started_at', 'ended_at']).where('id', '=', sessionId).executeTakeFirst();
  if (s) deps.realtime.publish(liveRoom(sessionId), { type: 'session', data: { status: s.status, videoState: s.video_state, startedAt: s.started_at, endedAt: s.ended_at } });
}

/** The hooks the media server calls. */
export function mediaHooks(deps: Deps): MediaHooks {
  return {
    authorize: (req) => authorizePublish(deps, req.streamKey, req),
    videoChanged(sessionId, _key, receiving) {
      track(setVideoState(deps, sessionId, receiving ? 'receiving' : 'offline').catch((err: unknown) => deps.log.error({ err, sessionId }, 'could not record the video state')));
    },
    stillAllowed: async (key) => (await authorizePublish(deps, key, { protocol: 'rtmp' })).ok,
  };
}

let jobs: NodeJS.Timeout | null = null;

/**
 * Starts the media server with the module's hooks, and the replay job. With the built-in server
 * this process is the only ingest, so a `receiving` left by a crash is reset to `offline`.
 * A failure to start (port taken…) is logged and leaves the shop running without live video.
 */
export async function startVideo(deps: Deps, opts: { replayEveryMs?: number } = {}): Promise<void> {
  if (deps.media.kind === 'off') return;
  if (deps.media.kind === 'builtin') {
    await deps.db.updateTable('live_session').set({ video_state: 'offline' }).where('video_state', '=', 'receiving').execute();
  }
  try {
    await deps.media.start(mediaHooks(deps));
  } catch (err) {
    deps.log.error({ err }, `live video is not available: the ${deps.media.kind} media server did not start`);
    return;
  }
  if (deps.config.media.record) {
    let busy = false;
    jobs = setInterval(() => {
      if (busy) return;
      busy = true;
      track(makeDueReplays(deps).catch((err: unknown) => deps.log.error({ err }, 'replay job failed')).finally(() => { busy = false; }));
    }, opts.replayEveryMs ?? 5000);
    jobs.unref();
  }
}

export async function stopVideo(deps: Deps): Promise<void> {
  if (jobs) clearInterval(jobs);
  jobs = null;
  // A replay being joined is dropped, not waited for: its pieces stay and the next start joins them.
  for (const ff of joining) ff.kill('SIGKILL');
  await deps.media.stop();
  for (const set of viewers.values()) for (const end of set) end();
  await Promise.allSettled([...pending]);
}

/**
 * What the sessions module may call right after a session ends or its key is rotated (it also
 * happens within a few seconds without the call): disconnects publishers of keys that may no
 * longer publish and makes the replay once the recording is closed.
 */
export async function sessionVideoChanged(deps: Deps, sessionId: string): Promise<void> {
  const keys = await deps.db.selectFrom('live_stream_key').select('stream_key').where('session_id', '=', sessionId).execute();
  for (const { stream_key } of keys) {
    if (!(await authorizePublish(deps, stream_key)).ok) deps.media.kick(stream_key);
  }
  const s = await deps.db.selectFrom('live_session').select('status').where('id', '=', sessionId).executeTakeFirst();
  if (s?.status === 'ended') await makeReplay(deps, sessionId);
}

// ---- watching ------------------------------------------------------------------------------

/**
 * A session the caller may see, by the sessions' own rule: approved hosted and external
 * sessions are public; a practice session is seen by its host, its mentors and the county's
 * center; a session not approved only by its host and the county. Anything else is 404.
 */
async function visibleSession(ctx: Ctx, sessionId: string): Promise<{ s: LiveSessionTable; staff: boolean }> {
  const s = await ctx.db.selectFrom('live_session').selectAll().where('id', '=', sessionId).executeTakeFirst();
  const notFound = new AppError(404, 'not_found', 'Live session not found');
  if (!s) throw notFound;
  const a = ctx.actor;
  const staff = (!!a && a.userId === s.host_user_id) || inScope(a, s.county_code, [...CENTER, 'official']);
  if (staff) return { s, staff };
  if (s.kind === 'practice') {
    const mentor = a && await ctx.db.selectFrom('live_session_mentor').select('user_id').where('session_id', '=', s.id).where('user_id', '=', a.userId).executeTakeFirst();
    if (!mentor) throw notFound;
    return { s, staff: true };
  }
  if (s.approval !== 'approved') throw notFound;
  return { s, staff: false };
}

const offline = (detail: string, extra: Record<string, unknown> = {}) => new AppError(409, 'video_offline', detail, [], { retryAfterSeconds: 3, ...extra });

/**
 * Streams the session's live video as HTTP-FLV, read from the internal media server (the
 * stream key never leaves the server). Answers a problem at once when there is nothing to
 * show: ended, cancelled, external, not live yet (only the host and the center preview a
 * scheduled session), or no video arriving. A viewer is ended when video stops, so its player
 * shows "主播暂时离开" and comes back by itself.
 */
export async function streamVideo(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, sessionId: string): Promise<FastifyReply> {
  const { s, key, receiving } = await liveSource(ctx, sessionId);
  const media = ctx.deps.media;
  const source = receiving ? media.playbackSource(key) : null;
  if (!source) throw offline('No video is arriving from the host right now');
  if (req.method === 'HEAD') return reply.type('video/x-flv').header('cache-control', 'no-store').send();
  return proxyFlv(ctx, req, reply, s.id, source);
}

/** The checks every live playback path makes: visibility, the session's state, the active key. */
async function liveSource(ctx: Ctx, sessionId: string): Promise<{ s: LiveSessionTable; key: string; receiving: boolean }> {
  const { s, staff } = await visibleSession(ctx, sessionId);
  if (s.kind === 'external') throw new AppError(409, 'external_session', 'This session is streamed on another platform; open it there', [], { platform: s.platform, externalUrl: s.external_url });
  if (s.status === 'ended') throw new AppError(409, 'session_ended', s.replay_path ? 'The session has ended; watch the replay' : 'The session has ended', [], { hasReplay: !!s.replay_path });
  if (s.status === 'cancelled') throw new AppError(409, 'session_cancelled', 'The session was cancelled');
  if (s.status === 'scheduled' && !staff) throw new AppError(409, 'session_not_live', 'The session has not started yet', [], { scheduledStart: s.scheduled_start });
  const media = ctx.deps.media;
  const key = await ctx.db.selectFrom('live_stream_key').select('stream_key').where('session_id', '=', s.id).where('revoked_at', 'is', null).executeTakeFirst();
  if (!key || media.kind === 'off') throw offline('No video is arriving from the host right now');
  return { s, key: key.stream_key, receiving: media.isReceiving(key.stream_key) ?? s.video_state === 'receiving' };
}

/**
 * The live HLS copy (index.m3u8 and its segments) for players without Media Source Extensions,
 * with the same checks as the FLV route. A few seconds more delay than HTTP-FLV.
 */
export async function sendHls(ctx: Ctx, reply: FastifyReply, sessionId: string, file: string): Promise<FastifyReply> {
  const { key, receiving } = await liveSource(ctx, sessionId);
  const dir = receiving ? ctx.deps.media.hlsDir(key) : null;
  if (!dir) throw offline('No video is arriving from the host right now');
  const playlist = file === 'index.m3u8';
  let data: Buffer;
  try {
    data = fs.readFileSync(path.join(dir, playlist ? 'index.m3u8' : `${Number.parseInt(file, 10)}.ts`));
  } catch {
    throw new AppError(404, 'not_found', 'That part of the live video is gone; reload the playlist');
  }
  return reply.type(playlist ? 'application/vnd.apple.mpegurl' : 'video/mp2t')
    .header('cache-control', playlist ? 'no-store' : 'private, max-age=60').send(data);
}

async function proxyFlv(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, sessionId: string, source: string): Promise<FastifyReply> {
  const s = { id: sessionId };
  const upstream = await openUpstream(source).catch((err: unknown) => {
    req.log.warn({ err }, 'media server did not answer');
    throw offline('The video cannot be reached right now');
  });
  if (upstream.res.statusCode !== 200) {
    upstream.req.destroy();
    throw offline('No video is arriving from the host right now');
  }

  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'video/x-flv',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-request-id': req.id,
  });
  const set = viewers.get(s.id) ?? new Set<() => void>();
  viewers.set(s.id, set);
  const idleMs = ctx.deps.config.media.stallSeconds * 1000 + 2000;
  let lastData = Date.now();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(idle);
    set.delete(end);
    if (set.size === 0 && viewers.get(s.id) === set) viewers.delete(s.id);
    upstream.req.destroy();
    if (!raw.writableEnded) raw.end();
  };
  const idle = setInterval(() => { if (Date.now() - lastData > idleMs) end(); }, 1000);
  idle.unref();
  set.add(end);
  const fixHeader = flvHeaderFixer();
  upstream.res.on('data', (data: Buffer) => {
    lastData = Date.now();
    const chunk = fixHeader(data);
    if (!chunk) return;
    if (raw.writableLength > MAX_VIEWER_BACKLOG) {
      req.log.info({ sessionId: s.id }, 'dropped a live viewer that could not keep up');
      raw.destroy();
      end();
      return;
    }
    raw.write(chunk);
  });
  upstream.res.on('end', end);
  upstream.res.on('error', end);
  raw.on('close', end);
  return reply;
}

/**
 * node-media-server's FLV header always announces audio and video, and a player told to expect
 * audio waits for it forever on a video-only stream (some phone apps publish one). The start of
 * a viewer's stream — header, metadata, sequence headers, then the cached GOP — is held until
 * the first coded video frame (or 64 KB), and the header's flags are set to what it carried.
 */
export function flvHeaderFixer(): (chunk: Buffer) => Buffer | null {
  let held: Buffer | null = Buffer.alloc(0);
  return (chunk) => {
    if (!held) return chunk;
    held = Buffer.concat([held, chunk]);
    if (held.length < 13) return null;
    if (held.toString('latin1', 0, 3) !== 'FLV') { const out = held; held = null; return out; }
    let pos = held.readUInt32BE(5) + 4;
    let audio = false;
    let video = false;
    let done = held.length > 65536;
    while (!done && pos + 11 <= held.length) {
      const type = held[pos]! & 0x1f;
      const size = held.readUIntBE(pos + 1, 3);
      if (pos + 11 + size > held.length) break;
      if (type === 8) audio = true;
      if (type === 9) {
        video = true;
        // AVC/HEVC packet type 0 is the sequence header; anything after it is a coded frame.
        if (size > 1 && held[pos + 12] !== 0) done = true;
      }
      pos += 11 + size + 4;
    }
    if (!done) return null;
    const out = held;
    held = null;
    if (audio || video) out[4] = (audio ? 0x04 : 0) | (video ? 0x01 : 0);
    return out;
  };
}

function openUpstream(url: string): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? https.get : http.get;
    const r = get(url, { headers: { 'user-agent': 'fengshou-live' } }, (res) => resolve({ req: r, res }));
    r.setTimeout(5000, () => r.destroy(new Error('media server timeout')));
    r.on('error', reject);
  });
}

/** Viewers currently reading a session's video from this process (tests, figures). */
export function localViewerCount(sessionId: string): number {
  return viewers.get(sessionId)?.size ?? 0;
}

// ---- replay --------------------------------------------------------------------------------

const failedReplays = new Set<string>();
const joining = new Set<ReturnType<typeof spawn>>();

/** Ended hosted and practice sessions of the last two days with recordings but no replay yet. */
export async function makeDueReplays(deps: Deps): Promise<void> {
  const since = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const rows = await deps.db.selectFrom('live_session').select('id')
    .where('kind', 'in', ['hosted', 'practice']).where('status', '=', 'ended').where('replay_path', 'is', null).where('ended_at', '>', since)
    .orderBy('ended_at').limit(20).execute();
  for (const r of rows) if (!failedReplays.has(r.id)) await makeReplay(deps, r.id);
}

/**
 * Joins a session's recording pieces (one per publish; a host who dropped for longer than the
 * resume window starts a new one, a rotated key has its own) into one MP4 with the index in
 * front (`+faststart`, so a phone can start and seek the replay at once), sets replay_path by
 * a conditional update and removes the pieces. Without ffmpeg the longest piece is kept as FLV.
 */
export async function makeReplay(deps: Deps, sessionId: string): Promise<string | null> {
  const media = deps.media;
  const keys = await deps.db.selectFrom('live_stream_key').select(['stream_key', 'created_at']).where('session_id', '=', sessionId).orderBy('created_at').execute();
  const open = keys.filter((k) => media.isRecording(k.stream_key));
  if (open.length) {
    // The host left before the session ended: node-media-server would hold the recording open for
    // its 30-s resume window. The session is over, so close it now; the next run joins the pieces.
    const s = await deps.db.selectFrom('live_session').select('status').where('id', '=', sessionId).executeTakeFirst();
    if (s?.status === 'ended') for (const k of open) media.kick(k.stream_key);
    return null;
  }
  const pieces = keys.flatMap((k) => media.recordings(k.stream_key))
    .filter((f) => { try { return fs.statSync(f).size > 13; } catch { return false; } })
    .sort((a, b) => Number.parseInt(path.basename(a)) - Number.parseInt(path.basename(b)));
  if (!pieces.length) return null;
  const root = deps.config.media.recordingsDir;
  const dir = path.join(root, 'replays');
  fs.mkdirSync(dir, { recursive: true });
  let rel: string;
  try {
    const out = path.join(dir, `${sessionId}.mp4`);
    await joinToMp4(pieces, out);
    rel = path.relative(root, out);
  } catch (err) {
    // Stopped (shutdown) or the folder went away: try again at the next run.
    if ((err instanceof JoinError && err.interrupted) || !fs.existsSync(root)) return null;
    deps.log.warn({ err, sessionId }, 'could not join the recording into an MP4; keeping the longest piece as FLV');
    const longest = pieces.reduce((a, b) => (fs.statSync(b).size > fs.statSync(a).size ? b : a));
    const out = path.join(dir, `${sessionId}.flv`);
    try {
      fs.copyFileSync(longest, out);
    } catch (copyErr) {
      failedReplays.add(sessionId);
      throw copyErr;
    }
    rel = path.relative(root, out);
  }
  const res = await deps.db.updateTable('live_session').set({ replay_path: rel, updated_at: nowIso() })
    .where('id', '=', sessionId).where('replay_path', 'is', null).executeTakeFirst();
  if (Number(res.numUpdatedRows) === 1) {
    for (const p of pieces) fs.rmSync(p, { force: true });
    deps.log.info({ sessionId, replay: rel, pieces: pieces.length }, 'live replay ready');
  }
  return rel;
}

class JoinError extends Error {
  constructor(message: string, readonly interrupted: boolean) { super(message); }
}

function joinToMp4(pieces: string[], out: string): Promise<void> {
  const list = `${out}.txt`;
  fs.writeFileSync(list, pieces.map((p) => `file '${p.replaceAll("'", "'\\''")}'`).join('\n'));
  const tmp = `${out}.part.mp4`;
  return new Promise<void>((resolve, reject) => {
    const ff = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', '-movflags', '+faststart', tmp], { stdio: ['ignore', 'ignore', 'pipe'] });
    joining.add(ff);
    let stderr = '';
    ff.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
    const timer = setTimeout(() => ff.kill('SIGKILL'), 10 * 60_000);
    ff.on('error', (err) => { clearTimeout(timer); joining.delete(ff); reject(err); });
    ff.on('close', (code, signal) => {
      clearTimeout(timer);
      joining.delete(ff);
      try {
        fs.rmSync(list, { force: true });
        if (code === 0) {
          fs.renameSync(tmp, out);
          resolve();
        } else {
          fs.rmSync(tmp, { force: true });
          reject(new JoinError(`ffmpeg exited ${code ?? signal}: ${stderr.trim()}`, signal !== null));
        }
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** The replay of an ended session, to whoever may see the session, with byte ranges (seeking). */
export async function sendReplay(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, sessionId: string): Promise<FastifyReply> {
  const { s } = await visibleSession(ctx, sessionId);
  if (!s.replay_path) {
    throw new AppError(404, 'no_replay', s.kind !== 'external' && s.status === 'ended' ? 'The replay is not ready yet; try again in a minute' : 'This session has no replay');
  }
  const root = ctx.deps.config.media.recordingsDir;
  const file = path.resolve(root, s.replay_path);
  let size: number;
  try {
    if (!file.startsWith(root + path.sep)) throw new Error('outside the recordings directory');
    size = fs.statSync(file).size;
  } catch (err) {
    req.log.error({ err, sessionId }, 'replay file missing');
    throw new AppError(404, 'no_replay', 'The replay file is missing');
  }
  const type = file.endsWith('.mp4') ? 'video/mp4' : 'video/x-flv';
  reply.header('accept-ranges', 'bytes').header('cache-control', 'private, max-age=3600').type(type);
  const range = parseRange(req.headers.range, size);
  if (range === 'invalid') {
    reply.header('content-range', `bytes */${size}`);
    throw new AppError(416, 'range_not_satisfiable', `The file has ${size} bytes`);
  }
  if (!range) return reply.header('content-length', size).send(fs.createReadStream(file));
  return reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', range.end - range.start + 1)
    .send(fs.createReadStream(file, { start: range.start, end: range.end }));
}

/** One byte range (`bytes=a-b`, `a-`, `-n`); several ranges are answered with the whole file. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'invalid' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return header.includes(',') ? null : 'invalid';
  const [, a, b] = m;
  let start: number;
  let end: number;
  if (a === '') {
    if (b === '') return 'invalid';
    const n = Number(b);
    if (n === 0) return 'invalid';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || start > end) return 'invalid';
  return { start, end };
}
