import { useCallback, useEffect, useRef, useState, type CSSProperties } from 'react';
import mpegts from 'mpegts.js';
import { useI18n } from '../../i18n';

/**
 * The live room's video: HTTP-FLV from the server's own playback route
 * (`/api/v1/live/sessions/:sessionId/video.flv`, which never exposes the stream key) played by
 * mpegts.js through Media Source Extensions, tuned for low delay.
 *
 * - Latency: the ingest keeps a GOP cache, so a viewer starts up to one keyframe interval
 *   behind; mpegts.js chases the live edge (jumps when more than LATENCY_MAX behind, then
 *   speeds up playback slightly while more than LIVE_SYNC_MAX behind).
 * - Offline: the route answers a problem (409 `video_offline`) or ends the stream when video
 *   stops; the player shows "主播暂时离开" and tries again by itself, at once when the room's
 *   `session` event says video is arriving (`videoState`), otherwise with a growing pause.
 * - Sound: phones only autoplay muted, so it starts muted with a "tap for sound" button.
 * - Without Media Source Extensions (iPhones before iOS 17.1, some in-app browsers) it plays the
 *   server's live HLS copy natively, a few seconds further behind.
 *
 * - Over: when the route says the session has ended, was cancelled, is on another platform or
 *   is not there, the player says so and stops retrying.
 *
 * `data-state` on the root (`connecting` | `playing` | `offline` | `ended` | `unsupported`) is for tests.
 */
export interface VideoPlayerProps {
  /** The session whose video to play (the usual way). */
  sessionId?: string;
  /** Or an explicit HTTP-FLV URL (e.g. a preview). */
  src?: string;
  /** The room's latest `session` event's videoState: 'receiving' makes an offline player retry at once. */
  videoState?: 'offline' | 'receiving';
  /** Fired when the player goes on or off air (for the room's own overlays). */
  onStateChange?: (state: PlayerState) => void;
  className?: string;
  style?: CSSProperties;
}

export type PlayerState = 'connecting' | 'playing' | 'offline' | 'ended' | 'unsupported';

/** Problem codes of the video route after which retrying is pointless. */
const FINAL_CODES: Record<string, 'ended' | 'cancelled' | 'external' | 'notFound'> = {
  session_ended: 'ended', session_cancelled: 'cancelled', external_session: 'external', not_found: 'notFound',
};

/** Jump to the live edge when more than this many seconds behind… */
const LATENCY_MAX = 0.9;
/** …leaving this much buffered. */
const LATENCY_MIN_REMAIN = 0.3;
/** Between jumps, play a little faster while more than this behind. */
const LIVE_SYNC_MAX = 0.6;
/** A playing video whose time has not moved for this long is reconnected. */
const STALL_MS = 5000;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 8000;

export function videoUrl(sessionId: string): string {
  return `/api/v1/live/sessions/${encodeURIComponent(sessionId)}/video.flv`;
}

export function VideoPlayer({ sessionId, src, videoState, onStateChange, className, style }: VideoPlayerProps) {
  const { t } = useI18n();
  const url = src ?? (sessionId ? videoUrl(sessionId) : null);
  // Without Media Source Extensions (older iPhones, some in-app browsers) the server's HLS copy plays natively.
  const hlsUrl = !src && sessionId ? `/api/v1/live/sessions/${encodeURIComponent(sessionId)}/hls/index.m3u8` : null;
  const [mode] = useState<'mse' | 'hls' | 'none'>(() => (supported() ? 'mse' : hlsUrl && nativeHls() ? 'hls' : 'none'));
  const videoRef = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<PlayerState>(() => (mode === 'none' ? 'unsupported' : 'connecting'));
  const [muted, setMuted] = useState(true);
  const [needsTap, setNeedsTap] = useState(false);
  // Bumped to tear the player down and build a new one (retry, stall, stream back).
  const [attempt, setAttempt] = useState(0);
  const [final, setFinal] = useState<(typeof FINAL_CODES)[string] | null>(null);
  const retryDelay = useRef(RETRY_MIN_MS);
  const retryTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const stateRef = useRef(state);
  stateRef.current = state;

  const report = useCallback((s: PlayerState) => {
    setState((prev) => (prev === s ? prev : s));
  }, []);
  useEffect(() => { onStateChange?.(state); }, [state, onStateChange]);

  const scheduleRetry = useCallback((delay?: number) => {
    if (retryTimer.current) clearTimeout(retryTimer.current);
    const wait = delay ?? retryDelay.current;
    retryDelay.current = Math.min(RETRY_MAX_MS, retryDelay.current * 2);
    retryTimer.current = setTimeout(() => { retryTimer.current = null; setAttempt((a) => a + 1); }, wait);
  }, []);

  // The room says video is arriving again: do not wait for the back-off.
  useEffect(() => {
    if (videoState === 'receiving' && stateRef.current === 'offline') {
      retryDelay.current = RETRY_MIN_MS;
      scheduleRetry(0);
    }
  }, [videoState, scheduleRetry]);

  useEffect(() => {
    const video = videoRef.current;
    if (!video || !url || mode === 'none') return;
    let disposed = false;
    const player = mode === 'hls' ? nativePlayer(video, hlsUrl!) : mpegts.createPlayer(
      // Audio and video presence come from the FLV header, which the server sets from the stream.
      { type: 'flv', isLive: true, url },
      {
        enableWorker: false,
        enableStashBuffer: false,
        stashInitialSize: 128,
        lazyLoad: false,
        autoCleanupSourceBuffer: true,
        liveBufferLatencyChasing: true,
        liveBufferLatencyChasingOnPaused: false,
        liveBufferLatencyMaxLatency: LATENCY_MAX,
        liveBufferLatencyMinRemain: LATENCY_MIN_REMAIN,
        liveSync: true,
        liveSyncMaxLatency: LIVE_SYNC_MAX,
        liveSyncTargetLatency: LATENCY_MIN_REMAIN,
        liveSyncPlaybackRate: 1.1,
      },
    );
    const goOffline = () => {
      if (disposed) return;
      report('offline');
      // Ask the route why (its problem code) before deciding to retry; a live stream answers 200 and is dropped at once.
      const probe = new AbortController();
      fetch(url, { signal: probe.signal, credentials: 'same-origin' })
        .then(async (res) => {
          const code = res.ok ? null : ((await res.json().catch(() => null)) as { code?: string } | null)?.code;
          probe.abort();
          if (disposed) return;
          const over = code ? FINAL_CODES[code] : undefined;
          if (over) {
            setFinal(over);
            report('ended');
          } else {
            scheduleRetry();
          }
        })
        .catch(() => { if (!disposed) scheduleRetry(); });
    };
    player.on(mpegts.Events.ERROR, goOffline);
    // The server ends the response when the publisher goes away.
    player.on(mpegts.Events.LOADING_COMPLETE, goOffline);
    player.attachMediaElement(video);
    player.load();
    video.muted = true;
    const started = player.play() as Promise<void> | undefined;
    started?.catch?.(() => { if (!disposed) setNeedsTap(true); });

    let lastTime = -1;
    let lastMove = Date.now();
    const onPlaying = () => {
      if (disposed) return;
      retryDelay.current = RETRY_MIN_MS;
      setNeedsTap(false);
      report('playing');
    };
    video.addEventListener('playing', onPlaying);
    const watchdog = setInterval(() => {
      if (disposed || video.paused) return;
      if (video.currentTime !== lastTime) {
        lastTime = video.currentTime;
        lastMove = Date.now();
      } else if (Date.now() - lastMove > STALL_MS && stateRef.current === 'playing') {
        goOffline();
      }
    }, 1000);

    return () => {
      disposed = true;
      clearInterval(watchdog);
      video.removeEventListener('playing', onPlaying);
      try {
        player.pause();
        player.unload();
        player.detachMediaElement();
      } catch {
        // already torn down by an error
      }
      player.destroy();
    };
  }, [url, hlsUrl, mode, attempt, report, scheduleRetry]);

  useEffect(() => () => { if (retryTimer.current) clearTimeout(retryTimer.current); }, []);

  const unmute = () => {
    const video = videoRef.current;
    if (!video) return;
    video.muted = false;
    setMuted(false);
    if (video.paused) void video.play().catch(() => undefined);
    setNeedsTap(false);
  };

  return (
    <div className={className} data-testid="live-video" data-state={state} style={{ ...box, ...style }} aria-label={t('liveVideo.label')}>
      <video ref={videoRef} style={videoStyle} playsInline muted={muted} autoPlay controls={false} disablePictureInPicture />
      {state === 'connecting' && <div style={overlay} role="status">{t('liveVideo.connecting')}</div>}
      {state === 'offline' && (
        <div style={overlay} role="status" data-testid="live-video-offline">
          <strong style={{ fontSize: '1.1em' }}>{t('liveVideo.offline')}</strong>
          <span style={{ fontSize: '0.85em', opacity: 0.8 }}>{t('liveVideo.offlineHint')}</span>
        </div>
      )}
      {state === 'ended' && (
        <div style={overlay} role="status" data-testid="live-video-ended">
          <strong style={{ fontSize: '1.1em' }}>{t(final === 'cancelled' ? 'liveVideo.cancelled' : final === 'external' ? 'liveVideo.external' : final === 'notFound' ? 'liveVideo.notFound' : 'liveVideo.ended')}</strong>
        </div>
      )}
      {state === 'unsupported' && <div style={overlay} role="alert">{t('liveVideo.unsupported')}</div>}
      {/* A browser that refuses to autoplay even muted needs one tap before anything plays. */}
      {((state === 'playing' && muted) || (needsTap && state !== 'ended' && state !== 'unsupported')) && (
        <button type="button" style={unmuteButton} onClick={unmute}>
          {needsTap ? t('liveVideo.tapToPlay') : t('liveVideo.unmute')}
        </button>
      )}
    </div>
  );
}

function nativeHls(): boolean {
  try {
    return typeof document !== 'undefined' && document.createElement('video').canPlayType('application/vnd.apple.mpegurl') !== '';
  } catch {
    return false;
  }
}

/** The calls made on an mpegts.js player, over the browser's own HLS playback (errors and ends map to the same handlers). */
function nativePlayer(video: HTMLVideoElement, src: string) {
  const offs: (() => void)[] = [];
  return {
    on(event: string, fn: () => void) {
      const name = event === mpegts.Events.ERROR ? 'error' : event === mpegts.Events.LOADING_COMPLETE ? 'ended' : null;
      if (!name) return;
      video.addEventListener(name, fn);
      offs.push(() => video.removeEventListener(name, fn));
    },
    attachMediaElement() {},
    load() { video.src = src; video.load(); },
    play(): Promise<void> { return video.play(); },
    pause() { video.pause(); },
    unload() { video.removeAttribute('src'); video.load(); },
    detachMediaElement() {},
    destroy() { offs.forEach((off) => off()); },
  };
}

function supported(): boolean {
  try {
    return typeof window !== 'undefined' && mpegts.getFeatureList().mseLivePlayback;
  } catch {
    return false;
  }
}

const box: CSSProperties = { position: 'relative', background: '#000', overflow: 'hidden', width: '100%', aspectRatio: '9 / 16', maxHeight: '100vh' };
const videoStyle: CSSProperties = { width: '100%', height: '100%', objectFit: 'contain', display: 'block', background: '#000' };
const overlay: CSSProperties = {
  position: 'absolute', inset: 0, display: 'flex', flexDirection: 'column', gap: 6, alignItems: 'center', justifyContent: 'center',
  color: '#fff', textAlign: 'center', padding: 24, background: 'rgba(0,0,0,0.55)',
};
const unmuteButton: CSSProperties = {
  // Below a room's top bar (host, viewers, close), clear of its comments and bottom row.
  position: 'absolute', top: 64, right: 12, minHeight: 36, padding: '6px 14px', borderRadius: 18, border: '1px solid rgba(255,255,255,0.5)',
  background: 'rgba(0,0,0,0.55)', color: '#fff', fontSize: 14,
};
