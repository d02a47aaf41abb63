import { formatFen } from '../../platform/money.js';
import type { SandboxPaymentView } from './sandbox.js';

export type PageLang = 'zh' | 'en';

const TEXT = {
  zh: {
    title: '丰收 · 沙箱支付', banner: '沙箱环境：不会扣除真实款项', amount: '支付金额', item: '商品', pay: '确认支付', cancel: '取消',
    paid: '支付成功', cancelled: '已取消支付', refunded: '已退款', expired: '支付已过期', back: '返回商城', failed: '操作失败，请重试',
    expires: '请在此时间前完成支付',
  },
  en: {
    title: 'Fengshou · Sandbox payment', banner: 'Sandbox: no real money moves', amount: 'Amount', item: 'Item', pay: 'Confirm payment', cancel: 'Cancel',
    paid: 'Payment successful', cancelled: 'Payment cancelled', refunded: 'Refunded', expired: 'This payment has expired', back: 'Back to the shop',
    failed: 'Something went wrong, please try again', expires: 'Pay before',
  },
} as const;

/** ?lang= wins, then the first language the browser prefers; Chinese otherwise. */
export function pickLang(query: string | undefined, acceptLanguage: string | undefined): PageLang {
  if (query === 'zh' || query === 'en') return query;
  const first = (acceptLanguage ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh';
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** Text placed inside a <script> block: JSON with "<" escaped, so no value can close the tag. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

/** Beijing time for people: 2026-11-27 11:25. */
function beijing(iso: string): string {
  return new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * The hosted pay page: a small mobile page with two buttons. It posts to the confirm and
 * cancel routes with the session's CSRF token, like the web app does.
 */
export function renderSandboxPage(p: SandboxPaymentView, opts: { lang: PageLang; csrfToken: string; expired: boolean; returnTo?: string | undefined }): string {
  const t = TEXT[opts.lang];
  const state = p.status === 'created' && opts.expired ? 'expired' : p.status;
  const done = state === 'paid' ? t.paid : state === 'cancelled' ? t.cancelled : state === 'refunded' ? t.refunded : state === 'expired' ? t.expired : '';
  const back = opts.returnTo ? `<a class="back" href="${escapeHtml(opts.returnTo)}">${t.back}</a>` : '';
  return `<!doctype html>
<html lang="${opts.lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t.title}</title>
<style>
  body { margin: 0; font-family: -apple-system, "PingFang SC", "Noto Sans CJK SC", sans-serif; background: #f5f5f5; color: #222; }
  .banner { background: #fff7e6; color: #ad6800; text-align: center; padding: 8px; font-size: 13px; }
  main { max-width: 480px; margin: 0 auto; padding: 24px 16px; }
  .card { background: #fff; border-radius: 12px; padding: 24px 16px; text-align: center; }
  .amount { font-size: 36px; font-weight: 600; margin: 8px 0 16px; }
  .muted { color: #888; font-size: 14px; }
  .item { margin: 8px 0; word-break: break-all; }
  button { display: block; width: 100%; font-size: 17px; padding: 14px; border-radius: 8px; border: 0; margin-top: 12px; }
  #pay { background: #07c160; color: #fff; }
  #cancel { background: #eee; color: #333; }
  .state { font-size: 20px; margin-top: 16px; }
  .back { display: block; margin-top: 16px; }
</style>
</head>
<body>
<div class="banner">${t.banner}</div>
<main>
  <div class="card">
    <div class="muted">${t.amount}</div>
    <div class="amount" data-testid="amount">${formatFen(p.amountFen)}</div>
    <div class="item"><span class="muted">${t.item}</span> ${escapeHtml(p.description)}</div>
    <div class="muted">${t.expires} ${beijing(p.expiresAt)}</div>
    <div id="state" class="state" role="status">${done}</div>
    ${state === 'created' ? `<button id="pay" type="button">${t.pay}</button><button id="cancel" type="button">${t.cancel}</button>` : ''}
    ${back}
  </div>
</main>
<script>
  const cfg = ${scriptJson({ id: p.id, csrf: opts.csrfToken, text: t, returnTo: opts.returnTo ?? null })};
  async function act(what) {
    document.querySelectorAll('button').forEach((b) => { b.disabled = true; });
    const res = await fetch('/api/v1/sandbox-pay/' + encodeURIComponent(cfg.id) + '/' + what, {
      method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', 'x-csrf-token': cfg.csrf }, body: '{}',
    }).catch(() => null);
    const state = document.getElementById('state');
    if (res && res.ok) {
      document.querySelectorAll('button').forEach((b) => b.remove());
      state.textContent = what === 'confirm' ? cfg.text.paid : cfg.text.cancelled;
      if (cfg.returnTo) setTimeout(() => { location.href = cfg.returnTo; }, 1200);
    } else {
      state.textContent = cfg.text.failed;
      document.querySelectorAll('button').forEach((b) => { b.disabled = false; });
    }
  }
  document.getElementById('pay')?.addEventListener('click', () => act('confirm'));
  document.getElementById('cancel')?.addEventListener('click', () => act('cancel'));
</script>
</body>
</html>`;
}
