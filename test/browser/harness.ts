/**
 * What every browser test needs: the real app on a free port serving dist/web, and
 * Debian's Chromium. Data comes from the API and the shared factories, never the demo seed.
 */
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers.js';
import { CHROMIUM_PATH, SCREENSHOTS, WEB_DIR } from './env.js';

export interface Harness {
  t: TestApp;
  baseUrl: string;
  browser: Browser;
  close: () => Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const t = await createTestApp({ webDir: WEB_DIR });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  return {
    t,
    baseUrl: `http://127.0.0.1:${port}`,
    browser,
    close: async () => {
      await browser.close();
      await t.close();
    },
  };
}

/** A page that fails the test on uncaught script errors, and records console errors. */
export async function newPage(h: Harness, viewport: { width: number; height: number }, opts: { isMobile?: boolean } = {}): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
  const context = await h.browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', isMobile: opts.isMobile ?? false, hasTouch: opts.isMobile ?? false });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // A signed-out visitor's GET /auth/me answers 401 by design; anything else is worth seeing.
    if (m.type() === 'error' && !m.text().includes('401')) errors.push(m.text());
  });
  page.setDefaultTimeout(20_000);
  return { page, context, errors };
}

/** Signs in to the operator console and waits to leave the login page. */
export async function signInConsole(h: Harness, page: Page, phone: string, password: string) {
  await page.goto(`${h.baseUrl}/admin/login`);
  await page.fill('#phone', phone);
  await page.fill('#password', password);
  await page.getByRole('button', { name: /^登\s*录$/ }).click();
  await page.waitForURL(/\/admin\/(?!login)/);
}

export function shot(page: Page, name: string, fullPage = false) {
  return page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage });
}

/** A picture of a licence as a PNG, drawn by Chromium itself (uploads must be real images). */
export async function licencePng(h: Harness, title: string, holder: string): Promise<Buffer> {
  const context = await h.browser.newContext({ viewport: { width: 800, height: 560 } });
  const page = await context.newPage();
  await page.setContent(`<!doctype html><meta charset="utf-8"><body style="margin:0;background:#fdf8ec;font-family:serif">
    <div style="margin:24px;height:500px;border:6px solid #b8860b;padding:40px;box-sizing:border-box">
      <h1 style="color:#8b0000;text-align:center;margin:0 0 48px">${title}</h1>
      <p style="font-size:26px">生产者：${holder}</p>
      <p style="font-size:22px">产品：蓝莓鲜果 400 公斤</p>
      <p style="font-size:18px;color:#666">测试用扫描件 · test scan</p>
    </div></body>`);
  const png = await page.screenshot({ type: 'png' });
  await context.close();
  return png;
}

/** A product photo as a PNG. */
export async function productPng(h: Harness, label: string): Promise<Buffer> {
  const context = await h.browser.newContext({ viewport: { width: 600, height: 600 } });
  const page = await context.newPage();
  await page.setContent(`<!doctype html><meta charset="utf-8"><body style="margin:0">
    <div style="width:600px;height:600px;background:linear-gradient(135deg,#6a5acd,#2e1a87);display:flex;align-items:center;justify-content:center">
      <span style="color:#fff;font-size:56px;font-family:sans-serif">${label}</span></div></body>`);
  const png = await page.screenshot({ type: 'png' });
  await context.close();
  return png;
}

/**
 * Picks the first option of an Ant Design select and checks that it took. On a busy machine a
 * click that lands while the list is still opening is lost (the select stays empty and the
 * form is refused), so it opens the list again and tries up to three times.
 */
export async function pickFirstOption(page: Page, select: Locator) {
  for (let attempt = 0; attempt < 3; attempt++) {
    await select.click();
    const option = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').first();
    await option.waitFor();
    await option.click();
    // Ant Design marks a select holding a value on its content element.
    const took = await select.locator('.ant-select-content-has-value').waitFor({ timeout: 3000 }).then(() => true, () => false);
    if (took) return;
  }
  throw new Error('pickFirstOption: the select kept no value after three tries');
}
