/** 简体中文: the live room's video player (web/src/features/live/VideoPlayer.tsx). Spread into the zh-CN catalogue. */
export const liveVideoZhCN = {
  'liveVideo.label': '直播画面',
  'liveVideo.connecting': '正在连接直播…',
  'liveVideo.offline': '主播暂时离开',
  'liveVideo.offlineHint': '画面回来后会自动接上，不用刷新',
  'liveVideo.unmute': '点我开声音',
  'liveVideo.unsupported': '这个浏览器放不了直播画面，请用微信或手机自带的浏览器打开',
  'liveVideo.tapToPlay': '点一下开始播放',
  'liveVideo.back': '返回',
  'liveVideo.ended': '直播已结束',
  'liveVideo.cancelled': '这场直播取消了',
  'liveVideo.external': '这场直播在其他平台播出',
  'liveVideo.notFound': '没有找到这场直播',
} as const;
