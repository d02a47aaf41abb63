import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { newId } from '../../../platform/ids.js';
import { nowIso } from '../../../platform/time.js';
import type { Config } from '../../../config.js';
import type { Deps } from '../../../context.js';
import type { LiveSessionTable } from '../live.tables.js';

/** Test helpers for live video: a built-in media server on free ports, sessions with keys, ffmpeg as the host's encoder. */

export function builtinMediaConfig(stallSeconds = 2): Config['media'] {
  return {
    server: 'builtin', rtmpPort: 0, rtmpBind: '127.0.0.1', httpPort: 0,
    recordingsDir: fs.mkdtempSync(path.join(os.tmpdir(), 'fengshou-rec-')), record: true, stallSeconds, hls: true,
    ingestUrlTemplate: undefined, playbackUrlTemplate: undefined, hookToken: undefined,
  };
}

export function newKey(): string {
  return `sk_${randomBytes(18).toString('base64url')}`;
}

/** A session row with an active stream key (the sessions module's rules are not under test here). */
export async function makeLiveSession(deps: Deps, hostUserId: string, countyCode: string, over: Partial<LiveSessionTable> = {}): Promise<{ id: string; key: string }> {
  const id = newId('liveSession');
  const now = nowIso();
  const kind = over.kind ?? 'hosted';
  await deps.db.insertInto('live_session').values({
    id, county_code: countyCode, host_user_id: hostUserId, kind, title: '测试直播 蓝莓', description: '',
    cover_file_id: null, scheduled_start: new Date(Date.now() - 60_000).toISOString(), scheduled_end: new Date(Date.now() + 3_600_000).toISOString(),
    status: 'live', approval: 'approved', approval_note: '', approved_by: null,
    platform: kind === 'external' ? 'douyin' : null, external_url: null, external_code: null, pinned_item_id: null,
    video_state: 'offline', video_seen_at: null, replay_path: null, started_at: now, ended_at: null, created_at: now, updated_at: now,
    ...over,
  }).execute();
  const key = newKey();
  await deps.db.insertInto('live_stream_key').values({ stream_key: key, session_id: id, created_at: now, revoked_at: null }).execute();
  return { id, key };
}

export interface Pusher {
  proc: ChildProcess;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * ffmpeg pushing a generated test pattern (+ a tone) like OBS would: H.264 zerolatency, AAC,
 * one keyframe a second, in real time (without audio, as some phone apps publish, when asked).
 */
export function pushTestPattern(url: string, seconds = 60, opts: { audio?: boolean } = {}): Pusher {
  const audio = opts.audio ?? true;
  const proc = spawn('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-re',
    '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25',
    ...(audio ? ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100'] : []),
    '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p',
    ...(audio ? ['-c:a', 'aac', '-b:a', '64k'] : ['-an']),
    '-f', 'flv', url,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    proc,
    exited,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGCONT');
        proc.kill('SIGTERM');
      }
      await exited;
      void stderr;
    },
  };
}

export interface FlvTag { type: number; timestamp: number; size: number; keyframe: boolean }

/** Parses FLV tags from a growing byte stream. */
export class FlvReader {
  private buf = Buffer.alloc(0);
  private headerDone = false;
  /** The header's flags byte: 0x04 audio, 0x01 video. */
  flags = -1;
  readonly tags: FlvTag[] = [];
  push(chunk: Buffer) {
    this.buf = Buffer.concat([this.buf, chunk]);
    if (!this.headerDone) {
      if (this.buf.length < 13) return;
      if (this.buf.toString('latin1', 0, 3) !== 'FLV') throw new Error('not FLV');
      this.flags = this.buf[4]!;
      this.buf = this.buf.subarray(this.buf.readUInt32BE(5) + 4);
      this.headerDone = true;
    }
    while (this.buf.length >= 11) {
      const size = this.buf.readUIntBE(1, 3);
      if (this.buf.length < 11 + size + 4) break;
      const timestamp = this.buf.readUIntBE(4, 3) | (this.buf[7]! << 24);
      const type = this.buf[0]! & 0x1f;
      const keyframe = type === 9 && (this.buf[11]! >> 4) === 1;
      this.tags.push({ type, timestamp, size, keyframe });
      this.buf = this.buf.subarray(11 + size + 4);
    }
  }
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 15_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
