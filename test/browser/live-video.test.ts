import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers.js';
import { COUNTY_A, makeCounty, makeUser } from '../factories.js';
import { builtinMediaConfig, makeLiveSession, pushTestPattern, waitFor, type Pusher } from '../../src/modules/live/video/video.testkit.js';
import { CHROMIUM_PATH, SCREENSHOTS, WEB_DIR } from './env.js';

/**
 * A viewer on a phone watches a live session: ffmpeg pushes a test pattern to the built-in RTMP
 * ingest, Chromium plays it through mpegts.js from the session's video route (muted autoplay,
 * no flags), it keeps playing in real time, says 主播暂时离开 when the host drops, and picks the
 * stream up again by itself when the host comes back, and says 直播已结束 when the session ends.
 */
describe('viewer: live video plays on a phone', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let session: { id: string; key: string };
  const pushers: Pusher[] = [];
  const push = () => {
    const p = pushTestPattern(`rtmp://127.0.0.1:${t.deps.media.ports!.rtmp}/live/${session.key}`, 120);
    pushers.push(p);
    return p;
  };
  const videoState = async () => (await t.deps.db.selectFrom('live_session').select('video_state').where('id', '=', session.id).executeTakeFirstOrThrow()).video_state;

  beforeAll(async () => {
    t = await createTestApp({ webDir: WEB_DIR, media: builtinMediaConfig(2) });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    await makeCounty(t, COUNTY_A);
    const host = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '小王主播');
    session = await makeLiveSession(t.deps, host.id, COUNTY_A);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await Promise.all(pushers.map((p) => p.stop()));
    await browser?.close();
    await t?.close();
    if (t) fs.rmSync(t.config.media.recordingsDir, { recursive: true, force: true });
  });

  it('plays in real time (currentTime +3 s in 5 s, readyState ≥ 3, frames decoded), goes 主播暂时离开 and comes back', async () => {
    const first = push();
    await waitFor('video to arrive', async () => (await videoState()) === 'receiving');

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${baseUrl}/live/${session.id}/video`);
    const player = page.getByTestId('live-video');
    await expect.poll(() => player.getAttribute('data-state'), { timeout: 20_000 }).toBe('playing');

    const sample = () => page.evaluate(() => {
      const v = document.querySelector('[data-testid=live-video] video') as HTMLVideoElement;
      return { time: v.currentTime, ready: v.readyState, muted: v.muted, paused: v.paused, frames: v.getVideoPlaybackQuality().totalVideoFrames, w: v.videoWidth };
    });
    const a = await sample();
    await page.waitForTimeout(5000);
    const b = await sample();
    expect(b.time - a.time).toBeGreaterThanOrEqual(3);
    expect(b.ready).toBeGreaterThanOrEqual(3);
    expect(b.frames).toBeGreaterThan(a.frames + 50);
    expect(b.paused).toBe(false);
    expect(b.w).toBe(320);
    // Phones only autoplay muted: it started muted and offers sound.
    expect(a.muted).toBe(true);
    await page.getByRole('button', { name: /点我开声音/ }).click();
    expect((await sample()).muted).toBe(false);
    await page.screenshot({ path: `${SCREENSHOTS}/live-video-playing.png` });

    // The host's encoder stops: the viewer is told at once, in plain words.
    await first.stop();
    await expect.poll(() => player.getAttribute('data-state'), { timeout: 10_000 }).toBe('offline');
    await expect(page.getByText('主播暂时离开').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}/live-video-offline.png` });

    // The host comes back: the player picks it up without a reload.
    push();
    await expect.poll(() => player.getAttribute('data-state'), { timeout: 25_000 }).toBe('playing');
    const c = await sample();
    await page.waitForTimeout(2000);
    const d = await sample();
    expect(d.time - c.time).toBeGreaterThan(1);

    // The session ends: the player says so and stops trying.
    await t.deps.db.updateTable('live_session').set({ status: 'ended', ended_at: new Date().toISOString() }).where('id', '=', session.id).execute();
    await expect.poll(() => player.getAttribute('data-state'), { timeout: 15_000 }).toBe('ended');
    await expect(page.getByText('直播已结束').isVisible()).resolves.toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a browser that refuses even muted autoplay (WeChat on iOS, low-power mode) gets one button to start, and then plays', async () => {
    const s = await makeLiveSession(t.deps, (await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '主播三')).id, COUNTY_A);
    pushers.push(pushTestPattern(`rtmp://127.0.0.1:${t.deps.media.ports!.rtmp}/live/${s.key}`, 60));
    await waitFor('video', async () => (await t.deps.db.selectFrom('live_session').select('video_state').where('id', '=', s.id).executeTakeFirstOrThrow()).video_state === 'receiving');
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    // Chromium always allows muted autoplay; this page's play() refuses until the first tap, as those browsers do.
    await context.addInitScript(() => {
      let tapped = false;
      const mark = () => { tapped = true; };
      document.addEventListener('touchend', mark, true);
      document.addEventListener('click', mark, true);
      const play = HTMLMediaElement.prototype.play;
      HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
        return tapped ? play.call(this) : Promise.reject(new DOMException('play() needs a user gesture', 'NotAllowedError'));
      };
      // …and so does the autoplay attribute, which Chromium would otherwise honour for a muted
      // video without calling play(): the video then started by itself and the button went away.
      const setAttribute = Element.prototype.setAttribute;
      Element.prototype.setAttribute = function (this: Element, name: string, value: string) {
        if (this instanceof HTMLMediaElement && name.toLowerCase() === 'autoplay') return;
        setAttribute.call(this, name, value);
      };
      Object.defineProperty(HTMLMediaElement.prototype, 'autoplay', { configurable: true, get: () => false, set: () => {} });
    });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/live/${s.id}/video`);
    const start = page.getByRole('button', { name: '点一下开始播放' });
    await start.waitFor({ timeout: 15_000 });
    const player = page.getByTestId('live-video');
    // Without the tap nothing plays, however long the viewer waits, and the button stays.
    await page.waitForTimeout(2000);
    expect(await player.getAttribute('data-state')).not.toBe('playing');
    expect(await start.isVisible()).toBe(true);
    await start.tap();
    await expect.poll(() => player.getAttribute('data-state'), { timeout: 15_000 }).toBe('playing');
    const a = await page.evaluate(() => (document.querySelector('[data-testid=live-video] video') as HTMLVideoElement).currentTime);
    await page.waitForTimeout(2000);
    const b = await page.evaluate(() => (document.querySelector('[data-testid=live-video] video') as HTMLVideoElement).currentTime);
    expect(b - a).toBeGreaterThan(1);
    await context.close();
  });

  it('the room page (/live/:sessionId) plays the same video under its product card and comments, and follows the host going away', async () => {
    const room = await makeLiveSession(t.deps, (await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '房间主播')).id, COUNTY_A);
    const p = pushTestPattern(`rtmp://127.0.0.1:${t.deps.media.ports!.rtmp}/live/${room.key}`, 120);
    pushers.push(p);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${baseUrl}/live/${room.id}`);
    await page.getByTestId('room').waitFor();
    const player = page.getByTestId('live-video');
    await expect.poll(() => player.getAttribute('data-state'), { timeout: 20_000 }).toBe('playing');
    const sample = () => page.evaluate(() => {
      const v = document.querySelector('[data-testid=live-video] video') as HTMLVideoElement;
      return { time: v.currentTime, ready: v.readyState, frames: v.getVideoPlaybackQuality().totalVideoFrames };
    });
    const a = await sample();
    await page.waitForTimeout(5000);
    const b = await sample();
    expect(b.time - a.time).toBeGreaterThanOrEqual(3);
    expect(b.ready).toBeGreaterThanOrEqual(3);
    expect(b.frames).toBeGreaterThan(a.frames + 50);
    await page.screenshot({ path: `${SCREENSHOTS}/live-video-room.png` });
    await p.stop();
    await expect.poll(() => player.getAttribute('data-state'), { timeout: 10_000 }).toBe('offline');
    await expect(page.getByText('主播暂时离开').isVisible()).resolves.toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
