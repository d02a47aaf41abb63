import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../../config.js';

/**
 * Where live video comes in and goes out. Fengshou never hands a viewer the stream key: the
 * media server is internal, and viewers read through `GET /live/sessions/:id/video.flv`, which
 * this process proxies from `playbackSource(key)`.
 *
 * - `builtin`: node-media-server in this process (RTMP ingest on MEDIA_RTMP_PORT, its HTTP-FLV
 *   side on 127.0.0.1 only), key check before the stream is registered, stall detection,
 *   recording for replay. One per process.
 * - `external`: SRS, nginx-http-flv or a cloud live service; URL templates for ingest and
 *   playback, and an HTTP publish callback (`POST /live/media/hook`) through which it asks us
 *   whether a key may publish and tells us when video stops.
 * - `off`: no live video (tests, or a deployment that only runs external-platform sessions).
 */
export interface MediaServer {
  readonly kind: 'builtin' | 'external' | 'off';
  start(hooks: MediaHooks): Promise<void>;
  stop(): Promise<void>;
  /** What the host pastes into OBS / a phone app; null when there is no ingest. */
  ingestUrl(streamKey: string): string | null;
  /** The internal HTTP-FLV address this process reads the stream from (never shown to viewers). */
  playbackSource(streamKey: string): string | null;
  /** Whether video for this key is arriving now: true/false when this server knows, null when only the database does. */
  isReceiving(streamKey: string): boolean | null;
  /** Disconnects the publisher of this key (revoked key, ended session); its recording is closed. */
  kick(streamKey: string): void;
  /** Recording pieces written for this key, oldest first (absolute paths). */
  recordings(streamKey: string): string[];
  /** True while a piece for this key is still being written. */
  isRecording(streamKey: string): boolean;
  /**
   * The folder of the live HLS copy of this key's stream (index.m3u8 + 1-s segments), for players
   * without Media Source Extensions (older iPhones, in-app browsers); null when there is none.
   */
  hlsDir(streamKey: string): string | null;
  /** Listening ports once started (builtin), for tests and the log. */
  readonly ports: { rtmp: number; http: number } | null;
}

export interface PublishRequest {
  streamKey: string;
  /** RTMP application ("live"); anything else is refused. */
  app: string;
  protocol: 'rtmp' | 'http-flv' | 'ws-flv' | 'external';
  remote: string;
}

export type PublishDecision =
  | { ok: true; sessionId: string; record: boolean }
  | { ok: false; reason: PublishRefusal };

export type PublishRefusal = 'unknown_key' | 'revoked_key' | 'session_closed' | 'not_approved' | 'external_session' | 'wrong_app' | 'unsupported_protocol' | 'error';

/** What the media server asks of the live module (implemented by video.service.ts). */
export interface MediaHooks {
  authorize(req: PublishRequest): Promise<PublishDecision>;
  /** Video for the session started arriving (true) or stopped (false: closed or stalled). */
  videoChanged(sessionId: string, streamKey: string, receiving: boolean): void;
  /** Re-checked every few seconds for each publisher: false disconnects it (key revoked, session ended). */
  stillAllowed(streamKey: string): Promise<boolean>;
}

export function offMediaServer(): MediaServer {
  return {
    kind: 'off',
    async start() {},
    async stop() {},
    ingestUrl: () => null,
    playbackSource: () => null,
    isReceiving: () => false,
    kick() {},
    recordings: () => [],
    isRecording: () => false,
    hlsDir: () => null,
    ports: null,
  };
}

export function fillTemplate(template: string, streamKey: string): string {
  return template.replaceAll('{key}', encodeURIComponent(streamKey));
}

/** Builds the configured media server (not started: buildApp starts it with the module's hooks). */
export async function createMediaServer(config: Config, log: FastifyBaseLogger): Promise<MediaServer> {
  switch (config.media.server) {
    case 'builtin': {
      const { builtinMediaServer } = await import('./builtin.js');
      return builtinMediaServer(config, log);
    }
    case 'external': {
      const { externalMediaServer } = await import('./external.js');
      return externalMediaServer(config);
    }
    default:
      return offMediaServer();
  }
}
