import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import type { LiveEvent, LiveFrame } from '../../contracts/live-events.js';
import { broadcastListeners, coalescer, DEFAULT_REPLAY_FRAMES, DEFAULT_TICK_MS, listenerSet, newEpoch, type Realtime, type RealtimeOptions, type Replay } from './index.js';

/**
 * Rooms shared by several server processes through Redis (REDIS_URL). Plain Redis commands
 * and three small Lua scripts, each atomic on the Redis server, so there is no protocol of our
 * own between processes:
 *
 * - publish (`rt_publish`): HINCRBY the room's `seq` → the frame's id; the frame JSON is built
 *   around the id in the script, RPUSH + LTRIM to the room's replay list (the last
 *   `replayFrames`), PUBLISH on the deployment's channel. Because id, list and publish happen in
 *   one script, ids reach every subscriber in increasing order and the list is exactly the
 *   frames `seq - len + 1 … seq`: a replay read from it plus the live channel never has a gap.
 * - since (`rt_since`): the room's epoch and last id and, for `after`, the tail of the list (or
 *   "resync" when it no longer reaches back that far, or the epoch differs).
 * - presence (`rt_presence`): each process writes its own viewer count with a timestamp into the
 *   room's hash; the total is the sum of fresh entries (a crashed process drops out after 3
 *   ticks); the peak is kept; one process per tick (SET NX PX lock) publishes `viewers` when
 *   the total changed.
 * - distinct viewers: SADD / SCARD.
 *
 * Keys: `<prefix>:rt:<room>` (hash: seq, epoch, peak, published), `…:buf` (list), `…:viewers`
 * (hash), `…:uniq` (set), `…:lock`; all expire 2 days after the room's last write (a room
 * that comes back after that starts a new epoch and its clients resync). Channel:
 * `<prefix>:rt`, message `room \n toUserId \n frameJson` (toUserId empty for public frames).
 * Private frames (publishTo) are only PUBLISHed: never stored, never replayed.
 */
export interface RedisRealtimeOptions extends RealtimeOptions {
  url: string;
  prefix: string;
  log: FastifyBaseLogger;
  /** How often presence is reported (the lock and staleness follow it); default 3000 ms. */
  presenceMs?: number;
  /** Give up start-up if Redis does not answer in this time (default 10 s). */
  connectTimeoutMs?: number;
}

const TTL_SECONDS = 2 * 24 * 3600;

const PUBLISH = `
local id = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('HSETNX', KEYS[1], 'epoch', ARGV[2])
local json = '{"id":' .. id .. ',' .. ARGV[1]
redis.call('RPUSH', KEYS[2], json)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', ARGV[5], ARGV[6] .. '\\n\\n' .. json)
return id`;

const SINCE = `
if redis.call('HSETNX', KEYS[1], 'epoch', ARGV[3]) == 1 then redis.call('EXPIRE', KEYS[1], ARGV[4]) end
local epoch = redis.call('HGET', KEYS[1], 'epoch')
local last = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
local after = tonumber(ARGV[1])
if after < 0 then return {epoch, last, 'ok', {}} end
if ARGV[2] ~= '' and ARGV[2] ~= epoch then return {epoch, last, 'epoch_changed'} end
if after > last then return {epoch, last, 'epoch_changed'} end
local n = last - after
if n == 0 then return {epoch, last, 'ok', {}} end
if n > redis.call('LLEN', KEYS[2]) then return {epoch, last, 'too_far_behind'} end
return {epoch, last, 'ok', redis.call('LRANGE', KEYS[2], -n, -1)}`;

const PRESENCE = `
local now = tonumber(ARGV[3])
if tonumber(ARGV[2]) > 0 then redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. ':' .. ARGV[3]) else redis.call('HDEL', KEYS[2], ARGV[1]) end
redis.call('EXPIRE', KEYS[2], ARGV[6])
local all = redis.call('HGETALL', KEYS[2])
local total = 0
for i = 1, #all, 2 do
  local c, ts = string.match(all[i + 1], '^(%d+):(%d+)$')
  if c and now - tonumber(ts) <= tonumber(ARGV[4]) then total = total + tonumber(c) else redis.call('HDEL', KEYS[2], all[i]) end
end
local peak = tonumber(redis.call('HGET', KEYS[1], 'peak') or '0')
if total > peak then peak = total; redis.call('HSET', KEYS[1], 'peak', peak) end
local publish = 0
if redis.call('SET', KEYS[3], ARGV[1], 'NX', 'PX', ARGV[5]) then
  if redis.call('HGET', KEYS[1], 'published') ~= tostring(total) then
    redis.call('HSET', KEYS[1], 'published', total)
    publish = 1
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[6])
return {total, peak, publish}`;

interface Scripted extends Redis {
  rt_publish(meta: string, buf: string, tail: string, epoch: string, keep: number, ttl: number, channel: string, room: string): Promise<number>;
  rt_since(meta: string, buf: string, after: number, epoch: string, newEpoch: string, ttl: number): Promise<[string, number, string, string[]?]>;
  rt_presence(meta: string, viewers: string, lock: string, pid: string, count: number, now: number, staleMs: number, lockMs: number, ttl: number): Promise<[number, number, number]>;
}

export async function redisRealtime(opts: RedisRealtimeOptions): Promise<Realtime> {
  const log = opts.log;
  const keep = opts.replayFrames ?? DEFAULT_REPLAY_FRAMES;
  const presenceMs = opts.presenceMs ?? 3000;
  const channel = `${opts.prefix}:rt`;
  // Broadcasts (Realtime.broadcast) have a channel of their own: `<processId>\n<topic>\n<payload>`.
  const noticeChannel = `${opts.prefix}:notice`;
  const notices = broadcastListeners();
  const key = (room: string, part = '') => `${opts.prefix}:rt:${room}${part}`;
  const processId = randomBytes(8).toString('hex');
  const listeners = listenerSet();

  const connect = (name: string) => {
    const r = new Redis(opts.url, { lazyConnect: true, connectionName: `fengshou-${name}`, maxRetriesPerRequest: 3 }) as Scripted;
    let lastError = '';
    r.on('error', (err: Error) => {
      if (err.message !== lastError) log.warn({ err: err.message }, `redis (${name}) error`);
      lastError = err.message;
    });
    r.on('ready', () => { lastError = ''; });
    return r;
  };
  const cmd = connect('live');
  const sub = connect('live-sub');
  cmd.defineCommand('rt_publish', { numberOfKeys: 2, lua: PUBLISH });
  cmd.defineCommand('rt_since', { numberOfKeys: 2, lua: SINCE });
  cmd.defineCommand('rt_presence', { numberOfKeys: 3, lua: PRESENCE });

  sub.on('message', (from: string, message: string) => {
    if (from === noticeChannel) {
      const at = message.indexOf('\n');
      // Redis delivers a process's own broadcasts back to it: they are for the others.
      if (at > 0 && !message.startsWith(`${processId}\n`)) {
        const rest = message.slice(at + 1);
        const nl = rest.indexOf('\n');
        if (nl > 0) {
          try {
            notices.emit(rest.slice(0, nl), rest.slice(nl + 1));
          } catch (err) {
            log.error({ err }, 'a broadcast listener failed');
          }
        }
      }
      return;
    }
    const a = message.indexOf('\n');
    const b = message.indexOf('\n', a + 1);
    if (a < 0 || b < 0) return;
    const room = message.slice(0, a);
    const to = message.slice(a + 1, b) || null;
    const json = message.slice(b + 1);
    let frame: LiveFrame;
    try {
      frame = JSON.parse(json) as LiveFrame;
    } catch {
      log.warn({ room }, 'unreadable live frame on the redis channel');
      return;
    }
    listeners.emit(room, frame, to, json);
  });

  const timeout = opts.connectTimeoutMs ?? 10_000;
  const started = (async () => {
    await Promise.all([cmd.connect(), sub.connect()]);
    await sub.subscribe(channel, noticeChannel);
  })();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      started,
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`Redis at REDIS_URL did not answer within ${timeout} ms`)), timeout); }),
    ]);
  } catch (err) {
    cmd.disconnect();
    sub.disconnect();
    throw err;
  } finally {
    clearTimeout(timer);
  }

  const tailOf = (event: LiveEvent) => JSON.stringify({ type: event.type, data: event.data, at: new Date().toISOString() }).slice(1);
  const publishNow = (room: string, event: LiveEvent) => {
    cmd.rt_publish(key(room), key(room, ':buf'), tailOf(event), newEpoch(), keep, TTL_SECONDS, channel, room)
      .catch((err: Error) => log.error({ err: err.message, room, type: event.type }, 'live event not published (redis)'));
  };
  const ticks = coalescer(opts.tickMs ?? DEFAULT_TICK_MS, publishNow);

  return {
    publish(room, event) {
      if (!ticks.offer(room, event)) publishNow(room, event);
    },
    publishTo(room, userId, event) {
      const json = JSON.stringify({ id: null, type: event.type, data: event.data, at: new Date().toISOString() });
      cmd.publish(channel, `${room}\n${userId}\n${json}`)
        .catch((err: Error) => log.error({ err: err.message, room, type: event.type }, 'private live event not published (redis)'));
    },
    listen: listeners.add,
    broadcast(topic, payload) {
      cmd.publish(noticeChannel, `${processId}\n${topic}\n${payload}`)
        .catch((err: Error) => log.error({ err: err.message, topic }, 'broadcast not published (redis)'));
    },
    onBroadcast: notices.add,
    async since(room, afterId, epoch): Promise<Replay> {
      const [e, last, status, frames] = await cmd.rt_since(key(room), key(room, ':buf'), afterId ?? -1, epoch ?? '', newEpoch(), TTL_SECONDS);
      const lastId = Number(last);
      if (status !== 'ok') return { epoch: e, lastId, frames: null, reason: status as Replay['reason'] };
      // Each stored frame starts {"id":<n>, — read the id rather than trust positions.
      return { epoch: e, lastId, frames: (frames ?? []).map((json) => ({ id: Number(json.slice(6, json.indexOf(',', 6))), json })) };
    },
    async presence(room, localViewers) {
      const [now, peak, publish] = await cmd.rt_presence(
        key(room), key(room, ':viewers'), key(room, ':lock'), processId, localViewers, Date.now(), presenceMs * 3, Math.max(100, presenceMs - 100), TTL_SECONDS,
      );
      return { now: Number(now), peak: Number(peak), publish: Number(publish) === 1 };
    },
    async distinct(room, keys) {
      const uniq = key(room, ':uniq');
      if (keys.length) await cmd.multi().sadd(uniq, ...keys).expire(uniq, TTL_SECONDS).exec();
      return cmd.scard(uniq);
    },
    async ready() {
      await started;
    },
    async close() {
      ticks.flushNow();
      // Let the last publishes reach Redis before the connections go.
      try {
        await cmd.ping();
      } catch { /* already gone */ }
      listeners.clear();
      cmd.disconnect();
      sub.disconnect();
    },
  };
}
