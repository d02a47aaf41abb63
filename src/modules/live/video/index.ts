/**
 * Live video: the media server behind an interface (built-in node-media-server, an external
 * SRS / nginx-http-flv / cloud service, or off), the stream-key check at ingest, the session's
 * video state, playback that never exposes the key, recording and replay.
 */
export type { MediaServer, MediaHooks, PublishDecision, PublishRequest } from './media-server.js';
export { createMediaServer, offMediaServer } from './media-server.js';
export { videoRoutes } from './video.routes.js';
/** Sessions may call `sessionVideoChanged` after ending a session or rotating its key (it also happens within seconds without). */
export { authorizePublish, setVideoState, startVideo, stopVideo, sessionVideoChanged, makeReplay, localViewerCount } from './video.service.js';
