/**
 * Live: scheduled sessions (hosted, external, practice) with their run-of-show, approval by the
 * county's center, stream keys, the lifecycle scheduled → live → ended (or cancelled), the
 * public pre-announcement with reservations, and each session's report. The room (pins, flash
 * sales, comments, buying in the room), the WebSocket hub and the video ingest build on it.
 */
export { liveSessionRoutes } from './sessions.routes.js';
/** Sessions: who may see or act on one, state changes, the overdue job, practice mentors (for training). */
export {
  canViewSession, relationTo, getSession, sessionView, publishState, goLive, endSession, cancelSession,
  closeOverdueSessions, startLiveSessionJobs, addPracticeMentor, SESSION_TRANSITIONS, GO_LIVE_EARLY_MINUTES, OVERRUN_MINUTES,
} from './sessions.service.js';
/** Stock set aside for a session moved back to the SKUs (end, cancel). */
export { returnAllStock, MAX_ITEMS } from './sessions.runofshow.js';
export { seedDemoLiveSession } from './demo.js';
export { sessionReport } from './sessions.report.js';
export type { LiveTables, SessionKind, SessionStatus } from './live.tables.js';
/** The room: buying (src/flows/live-checkout.ts), pins, flash sales, comments and comment-to-buy, likes, bans, live figures. */
export { liveRoomRoutes } from './room.routes.js';
export {
  loadRoomSession, assertCanView, assertLive, activeBans, canControl, flashSaleEvent, isBuyer, roomItemViews, getRoom, liveFigures, type SessionRow,
} from './room.service.js';
/** Call in the end/cancel transaction before returnAllStock: closes open flash sales, their stock back to the items. */
export { closeSessionFlashSales, LEAD_MIN_SECONDS, LEAD_MAX_SECONDS } from './room.flash.js';
export { parseBuyComment, type BuyIntent } from './room.parse.js';
export { DEFAULT_SENSITIVE_WORDS, sensitiveHits } from './room.comments.js';
export type { RoomTables, BuyOutcome, BanKind } from './room.tables.js';
/** Live video (src/modules/live/video): the media server behind an interface (built-in, external, off), the ingest key check, video state, playback and replay. Call `sessionVideoChanged` after ending a session or rotating its key to cut the publisher and make the replay at once (a job does it within seconds otherwise). */
export { videoRoutes, authorizePublish, setVideoState, sessionVideoChanged, makeReplay, type MediaServer } from './video/index.js';
