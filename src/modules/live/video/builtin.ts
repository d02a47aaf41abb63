import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import querystring from 'node:querystring';
import { createHash, randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import type { FastifyBaseLogger } from 'fastify';
import NodeMediaServer, { type NmsRtmp, type NmsSession } from 'node-media-server';
import Context from 'node-media-server/src/core/context.js';
import nmsLogger from 'node-media-server/src/core/logger.js';
import type { Config } from '../../../config.js';
import type { MediaHooks, MediaServer } from './media-server.js';

/**
 * The built-in media server: node-media-server 4.4 in this process.
 *
 * Key check. 4.x has no way to refuse a publish from its `prePublish` event except killing the
 * socket, and the check needs the database (async) while the event is synchronous. So the RTMP
 * `publish` command itself is held: each RTMP connection's `onPublish` is replaced by a gate that
 * pauses the socket, asks `hooks.authorize`, and only then answers `NetStream.Publish.Start` and
 * registers the stream (with a signature for node-media-server's own `auth.publish` check, whose
 * secret is random per process). Any publish that did not pass the gate (HTTP POST or WebSocket
 * `publisher` FLV, or anything new) has no signature, is refused by that built-in check before the
 * stream is registered, and its socket is destroyed in `prePublish`. Playback needs a signature
 * too (`auth.play`), so nobody can pull a stream over the public RTMP port with a key.
 *
 * Offline promptly. node-media-server reports `donePublish` ~30 s after a publisher drops (it
 * keeps the stream for a resume). Here a publisher's socket closing is offline at once, and a
 * publisher that sends no audio/video for MEDIA_STALL_SECONDS is offline until packets resume.
 *
 * Recording. 4.4 has a recorder (an internal subscriber writing FLV to
 * `RECORDINGS_DIR/live/<key>/<ms>.flv`); it is started per publish for sessions that should be
 * recorded (hosted and practice), continues through a resume within the grace window, and closes on
 * `donePublish` or `kick`. video.service.ts joins the pieces into the replay when the session ends.
 *
 * node-media-server keeps its state in module-level singletons, so there is one per process.
 */

let runningInThisProcess = false;

interface Publisher {
  session: NmsSession;
  key: string;
  sessionId: string;
  lastPacketAt: number;
  receiving: boolean;
}

const LOOPBACK = '127.0.0.1';
const STREAM_APP = 'live';
const KEY_RE = /^[A-Za-z0-9_-]{8,128}$/;

export function builtinMediaServer(config: Config, log: FastifyBaseLogger): MediaServer {
  const opts = config.media;
  const secret = randomBytes(24).toString('hex');
  const publishers = new Map<string, Publisher>();
  const hls = new Map<string, { proc: ChildProcess; dir: string }>();
  const gated = new WeakSet<object>();
  let nms: NodeMediaServer | null = null;
  let hooks: MediaHooks | null = null;
  let ports: { rtmp: number; http: number } | null = null;
  let watchdog: NodeJS.Timeout | null = null;
  let recheck: NodeJS.Timeout | null = null;
  let owner = false;
  const streamPath = (key: string) => `/${STREAM_APP}/${key}`;

  /** node-media-server's signed-URL scheme: sign=<exp>-md5("<path>-<exp>-<secret>"). */
  function sign(p: string): string {
    const exp = Math.floor(Date.now() / 1000) + 120;
    return `${exp}-${createHash('md5').update(`${p}-${exp}-${secret}`).digest('hex')}`;
  }

  function destroy(session: NmsSession) {
    if (session.socket) session.socket.destroy();
    const res = session.res as { terminate?: () => void } | undefined;
    if (res && typeof res.terminate === 'function') res.terminate();
    else session.req?.socket.destroy();
  }

  function setReceiving(p: Publisher, receiving: boolean) {
    if (p.receiving === receiving) return;
    p.receiving = receiving;
    hooks?.videoChanged(p.sessionId, p.key, receiving);
  }

  function onPrePublish(session: NmsSession) {
    if (gated.has(session)) return;
    const protocol = session.protocol === 'rtmp' ? 'rtmp' : session.res && typeof (session.res as { terminate?: unknown }).terminate === 'function' ? 'ws-flv' : 'http-flv';
    log.warn({ event: 'live.publish.refused', reason: protocol === 'rtmp' ? 'ungated' : 'unsupported_protocol', protocol, remote: session.ip, app: session.streamApp }, 'refused a publish that did not go through the key check');
    destroy(session);
  }

  /** Replaces the RTMP `publish` command handler of one connection with the async key check. */
  function gate(session: NmsSession) {
    const rtmp = session.rtmp as NmsRtmp;
    const socket = session.socket!;
    rtmp.onPublish = (msg) => {
      const raw = String(msg.streamName ?? '');
      const [name = '', query = ''] = raw.split('?');
      const streamId = rtmp.parserPacket.header.stream_id;
      const app = rtmp.streamApp;
      socket.pause();
      const refuse = (reason: string) => {
        log.warn({ event: 'live.publish.refused', reason, protocol: 'rtmp', remote: session.ip, app, key: maskKey(name) }, 'refused an RTMP publish');
        try {
          rtmp.sendStatusMessage(streamId, 'error', 'NetStream.Publish.BadName', 'Stream key not accepted');
        } catch { /* socket gone */ }
        rtmp.onPacketCallback = () => {};
        socket.end();
        setTimeout(() => socket.destroy(), 200).unref();
      };
      const check = app !== STREAM_APP || !KEY_RE.test(name) || !hooks
        ? Promise.resolve({ ok: false as const, reason: app !== STREAM_APP ? 'wrong_app' : 'unknown_key' })
        : hooks.authorize({ streamKey: name, app, protocol: 'rtmp', remote: session.ip });
      check.then((decision) => {
        if (socket.destroyed) return;
        if (!decision.ok) return refuse(decision.reason);
        gated.add(session);
        rtmp.streamName = name;
        rtmp.streamQuery = { ...querystring.parse(query), sign: sign(streamPath(name)) };
        rtmp.streamId = streamId;
        rtmp.respondPublish();
        rtmp.onConnectCallback({ app, name, host: rtmp.streamHost, query: rtmp.streamQuery });
        rtmp.onPushCallback();
        if (!session.isPublisher) return; // refused by node-media-server (the path already has a live publisher)
        const p: Publisher = { session, key: name, sessionId: decision.sessionId, lastPacketAt: Date.now(), receiving: false };
        publishers.set(name, p);
        const forward = rtmp.onPacketCallback;
        rtmp.onPacketCallback = (packet) => {
          p.lastPacketAt = Date.now();
          if (!p.receiving) setReceiving(p, true);
          forward(packet);
        };
        socket.once('close', () => {
          if (publishers.get(name) === p) { publishers.delete(name); stopHls(name); }
          setReceiving(p, false);
        });
        startHls(name);
        if (decision.record && opts.record && nms) {
          const r = nms.recordServer.startRecord(streamPath(name));
          if (!r.ok && !/already recording/i.test(r.error ?? '')) log.warn({ key: maskKey(name), error: r.error }, 'live recording did not start');
        }
        log.info({ event: 'live.publish.accepted', sessionId: decision.sessionId, remote: session.ip }, 'live video publish accepted');
        socket.resume();
      }).catch((err: unknown) => {
        log.error({ err }, 'live publish check failed');
        refuse('error');
      });
    };
  }

  function onConnection(socket: net.Socket) {
    // node-media-server's own connection listener ran first and registered the session.
    for (const s of Context.sessions.values()) {
      if (s.socket === socket && s.rtmp) { gate(s); return; }
    }
    socket.destroy();
  }

  function tick() {
    const stallMs = opts.stallSeconds * 1000;
    const now = Date.now();
    for (const p of publishers.values()) {
      if (p.receiving && now - p.lastPacketAt > stallMs) setReceiving(p, false);
    }
  }

  async function recheckAll() {
    for (const p of [...publishers.values()]) {
      try {
        if (hooks && !(await hooks.stillAllowed(p.key))) {
          log.info({ event: 'live.publish.kicked', sessionId: p.sessionId }, 'publisher disconnected: key revoked or session over');
          kickKey(p.key);
        }
      } catch (err) {
        log.warn({ err }, 'live publisher re-check failed');
      }
    }
  }

  /**
   * A live HLS copy (ffmpeg -c copy, no re-encoding: a few % of a core) for players without Media
   * Source Extensions. 1-s segments cut at keyframes, six kept; a few seconds behind HTTP-FLV.
   */
  function startHls(key: string) {
    stopHls(key);
    const src = ports && `http://${LOOPBACK}:${ports.http}${streamPath(key)}.flv?sign=${sign(streamPath(key))}`;
    if (!src || !opts.hls) return;
    const dir = path.join(opts.recordingsDir, 'hls', createHash('sha256').update(key).digest('hex').slice(0, 32));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const proc = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', src, '-c', 'copy', '-f', 'hls', '-hls_time', '1', '-hls_list_size', '6',
      '-hls_flags', 'delete_segments+independent_segments+omit_endlist', '-hls_segment_filename', path.join(dir, '%d.ts'), path.join(dir, 'index.m3u8')], { stdio: 'ignore' });
    proc.on('error', (err) => log.warn({ err }, 'no HLS copy of the live stream (is ffmpeg installed?)'));
    hls.set(key, { proc, dir });
  }

  function stopHls(key: string) {
    const h = hls.get(key);
    if (!h) return;
    hls.delete(key);
    h.proc.kill('SIGKILL');
    setTimeout(() => fs.rmSync(h.dir, { recursive: true, force: true }), 2000).unref();
  }

  function kickKey(key: string) {
    const p = publishers.get(key);
    publishers.delete(key);
    stopHls(key);
    if (p) {
      destroy(p.session);
      setReceiving(p, false);
    }
    // No resume window for a kicked publisher: end the stream now, which closes its recording.
    Context.broadcasts.get(streamPath(key))?._finishPublish();
  }

  return {
    kind: 'builtin',
    get ports() { return ports; },

    async start(h) {
      if (runningInThisProcess) throw new Error('the built-in media server runs once per process');
      runningInThisProcess = true;
      owner = true;
      hooks = h;
      try {
        const rtmpPort = opts.rtmpPort || (await freePort(opts.rtmpBind));
        const httpPort = opts.httpPort || (await freePort(LOOPBACK));
        fs.mkdirSync(opts.recordingsDir, { recursive: true });
        // Its console logger goes to ours (node-media-server sets its level to debug on construction).
        nmsLogger.log = (message: string, level = 'info') => {
          const l = level === 'error' ? 'warn' : level === 'warn' ? 'info' : 'debug';
          log[l]({ component: 'node-media-server' }, message);
        };
        nms = new NodeMediaServer({
          bind: opts.rtmpBind,
          rtmp: { port: rtmpPort },
          http: { port: httpPort },
          auth: { publish: true, play: true, secret },
          record: { path: opts.recordingsDir, auto: false },
          store: { path: path.join(opts.recordingsDir, '.node-media-server'), flushInterval: 5000 },
          webadmin: { enable: false },
        });
        const tcp = nms.rtmpServer.tcpServer!;
        const httpServer = nms.httpServer.httpServer!;
        // node-media-server exits the process when a port is taken; here start() fails instead.
        httpServer.removeAllListeners('error');
        tcp.on('connection', onConnection);
        const listening = (server: net.Server, port: number, host: string) => new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, host, () => { server.off('error', reject); server.on('error', (err) => log.error({ err }, 'media server socket error')); resolve(); });
        });
        // Its HTTP side (HTTP-FLV, WebSocket-FLV) is for this process only: loopback, whatever MEDIA_RTMP_BIND says.
        nms.httpServer.run = () => {};
        nms.rtmpServer.run = () => {};
        await Promise.all([listening(tcp, rtmpPort, opts.rtmpBind), listening(httpServer, httpPort, LOOPBACK)]);
        await nms.run();
        nms.on('prePublish', onPrePublish);
        ports = { rtmp: (tcp.address() as net.AddressInfo).port, http: (httpServer.address() as net.AddressInfo).port };
        watchdog = setInterval(tick, 500);
        recheck = setInterval(() => void recheckAll(), 3000);
        watchdog.unref();
        recheck.unref();
        log.info({ rtmp: `${opts.rtmpBind}:${ports.rtmp}`, httpFlv: `${LOOPBACK}:${ports.http}`, recordings: opts.recordingsDir }, 'built-in media server listening');
      } catch (err) {
        await this.stop();
        throw err;
      }
    },

    async stop() {
      if (watchdog) clearInterval(watchdog);
      if (recheck) clearInterval(recheck);
      watchdog = recheck = null;
      for (const key of [...publishers.keys()]) kickKey(key);
      if (nms) {
        const n = nms;
        nms = null;
        await n.stop().catch((err: unknown) => log.warn({ err }, 'media server stop'));
        // Its state is module-level: clear it so a server started later in this process starts clean.
        for (const b of Context.broadcasts.values()) b._finishPublish();
        Context.broadcasts.clear();
        Context.sessions.clear();
        Context.eventEmitter.removeAllListeners();
      }
      ports = null;
      hooks = null;
      if (owner) runningInThisProcess = false;
      owner = false;
    },

    ingestUrl: (key) => `${config.rtmpPublicUrl}/${key}`,

    playbackSource(key) {
      if (!ports) return null;
      const p = streamPath(key);
      return `http://${LOOPBACK}:${ports.http}${p}.flv?sign=${sign(p)}`;
    },

    isReceiving(key) {
      const p = publishers.get(key);
      return !!p && p.receiving && Context.broadcasts.get(streamPath(key))?.getPublishStatus() === 'publishing';
    },

    kick: kickKey,

    recordings(key) {
      if (!KEY_RE.test(key)) return [];
      const dir = path.join(opts.recordingsDir, STREAM_APP, key);
      try {
        return fs.readdirSync(dir).filter((f) => /^\d+\.flv$/.test(f)).sort((a, b) => Number.parseInt(a) - Number.parseInt(b)).map((f) => path.join(dir, f));
      } catch {
        return [];
      }
    },

    isRecording(key) {
      return !!nms?.recordServer.isRecording(streamPath(key));
    },

    hlsDir(key) {
      const h = hls.get(key);
      return h && fs.existsSync(path.join(h.dir, 'index.m3u8')) ? h.dir : null;
    },
  };
}

/** Logs show only the start of a key. */
export function maskKey(key: string): string {
  return key.length > 6 ? `${key.slice(0, 4)}…` : '…';
}

/** A port that was free a moment ago (node-media-server treats port 0 as "no listener"). */
async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
