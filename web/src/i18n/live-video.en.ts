import type { liveVideoZhCN } from './live-video.zh-CN';

/** English for the live room's video player: every key of live-video.zh-CN, checked by the type. */
export const liveVideoEn: Record<keyof typeof liveVideoZhCN, string> = {
  'liveVideo.label': 'Live video',
  'liveVideo.connecting': 'Connecting to the live stream…',
  'liveVideo.offline': 'The host stepped away',
  'liveVideo.offlineHint': 'The picture comes back by itself when the host does; no need to reload',
  'liveVideo.unmute': 'Tap for sound',
  'liveVideo.unsupported': 'This browser cannot play the live video; open the page in WeChat or your phone’s own browser',
  'liveVideo.tapToPlay': 'Tap to play',
  'liveVideo.back': 'Back',
  'liveVideo.ended': 'The live session has ended',
  'liveVideo.cancelled': 'This live session was cancelled',
  'liveVideo.external': 'This live session is shown on another platform',
  'liveVideo.notFound': 'No such live session',
};
