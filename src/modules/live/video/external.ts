import type { Config } from '../../../config.js';
import { fillTemplate, type MediaServer } from './media-server.js';

/**
 * An external media server (SRS, nginx-http-flv-module, a cloud live service). Hosts push to
 * MEDIA_INGEST_URL_TEMPLATE; this process reads HTTP-FLV from MEDIA_PLAYBACK_URL_TEMPLATE (an
 * address viewers never see) and re-serves it on the session's own route. The server asks
 * `POST /api/v1/live/media/hook?token=MEDIA_HOOK_TOKEN` before accepting a publish (SRS
 * `on_publish`, nginx-rtmp `on_publish`) and tells it when a publish ends (`on_unpublish`,
 * `on_publish_done`); that is what video_state follows. It records with its own DVR (no replay
 * here), and a revoked key is refused on its next publish (a running publish is not cut: use the
 * server's own API or restart the stream). See docs/operations.md.
 */
export function externalMediaServer(config: Config): MediaServer {
  const { ingestUrlTemplate, playbackUrlTemplate } = config.media;
  return {
    kind: 'external',
    ports: null,
    async start() {},
    async stop() {},
    ingestUrl: (key) => (ingestUrlTemplate ? fillTemplate(ingestUrlTemplate, key) : null),
    playbackSource: (key) => (playbackUrlTemplate ? fillTemplate(playbackUrlTemplate, key) : null),
    isReceiving: () => null,
    kick() {},
    recordings: () => [],
    isRecording: () => false,
    hlsDir: () => null,
  };
}
