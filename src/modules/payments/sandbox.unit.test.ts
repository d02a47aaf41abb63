import { describe, expect, it } from 'vitest';
import { memoryNonceStore } from './nonces.js';
import { PaymentNotificationError } from './provider.js';
import { sandboxProvider, sandboxSignature, signSandboxNotification } from './sandbox.js';
import { pickLang, renderSandboxPage } from './sandbox-page.js';

const SECRET = 'sandbox-secret-0123456789';
const NOW = new Date('2025-11-27T03:00:00Z'); // 1764212400

describe('sandbox notification signature', () => {
  it('is HMAC-SHA256 over "timestamp\\nnonce\\nbody\\n" (checked against openssl dgst -sha256 -hmac)', () => {
    // printf '1764212400\nn0nce\n{"id":"EV-1"}\n' | openssl dgst -sha256 -hmac 'sandbox-secret-0123456789' -binary | base64
    expect(sandboxSignature(SECRET, '1764212400', 'n0nce', '{"id":"EV-1"}')).toBe('RHSc3szzsggzc0Hnm9XYYsmsZYs8MstAUjEtzZhsL/k=');
  });
});

describe('sandbox notification parsing', () => {
  // parseNotification touches only the nonce store, never the database.
  const make = () => sandboxProvider({ db: null as never, write: null as never, secret: SECRET, nonceStore: memoryNonceStore(), notifyDelayMs: 0, now: () => NOW });
  const paid = { id: 'EV-1', event_type: 'TRANSACTION.SUCCESS', create_time: NOW.toISOString(), resource: { out_trade_no: 'P0000001', transaction_id: 'SBX1', amount_fen: 5990, paid_at: NOW.toISOString() } };
  const refund = { id: 'EV-2', event_type: 'REFUND.FAILED', create_time: NOW.toISOString(), resource: { out_trade_no: 'P0000001', transaction_id: 'SBX1', out_refund_no: 'R1', refund_id: 'srf_1', refund_fen: 100, total_fen: 5990, at: NOW.toISOString() } };
  const code = async (p: ReturnType<typeof make>, body: string, headers: Record<string, string>) =>
    p.parseNotification(body, headers).then(() => 'accepted', (e: unknown) => (e instanceof PaymentNotificationError ? e.code : String(e)));

  it('accepts a signed payment and refund notification', async () => {
    const p = make();
    const body = JSON.stringify(paid);
    expect(await p.parseNotification(body, signSandboxNotification(SECRET, body, 'EV-1', NOW, 'a'))).toEqual({
      kind: 'paid', eventId: 'EV-1', provider: 'sandbox', outTradeNo: 'P0000001', transactionId: 'SBX1', amountFen: 5990, paidAt: NOW.toISOString(), duplicate: false,
    });
    const rb = JSON.stringify(refund);
    expect(await p.parseNotification(rb, signSandboxNotification(SECRET, rb, 'EV-2', NOW, 'b'))).toMatchObject({ kind: 'refund_failed', refundFen: 100, totalFen: 5990, raw: 'FAILED' });
  });

  it('refuses a wrong secret, a tampered body, a stale or future timestamp, missing headers, a replayed nonce and unknown formats', async () => {
    const p = make();
    const body = JSON.stringify(paid);
    expect(await code(p, body, signSandboxNotification('another-secret-0123456789', body, 'EV-1', NOW, 'c'))).toBe('bad_signature');
    expect(await code(p, body.replace('5990', '1'), signSandboxNotification(SECRET, body, 'EV-1', NOW, 'c'))).toBe('bad_signature');
    expect(await code(p, body, signSandboxNotification(SECRET, body, 'EV-1', new Date(NOW.getTime() - 301_000), 'c'))).toBe('stale_timestamp');
    expect(await code(p, body, signSandboxNotification(SECRET, body, 'EV-1', new Date(NOW.getTime() + 301_000), 'c'))).toBe('stale_timestamp');
    expect(await code(p, body, { 'sandboxpay-nonce': 'c' })).toBe('missing_headers');
    expect(await code(p, body, signSandboxNotification(SECRET, body, 'EV-other', NOW, 'c'))).toBe('unknown_format');
    const odd = JSON.stringify({ ...paid, event_type: 'TRANSACTION.CLOSED' });
    expect(await code(p, odd, signSandboxNotification(SECRET, odd, 'EV-1', NOW, 'c'))).toBe('unknown_format');
    const h = signSandboxNotification(SECRET, body, 'EV-1', NOW, 'd');
    expect(await code(p, body, h)).toBe('accepted');
    expect(await code(p, body, h)).toBe('replayed_nonce');
    expect(await p.parseNotification(body, signSandboxNotification(SECRET, body, 'EV-1', NOW, 'e'))).toMatchObject({ duplicate: true });
  });
});

describe('sandbox pay page', () => {
  const view = { id: 'spy_1', outTradeNo: 'P0000001', amountFen: 5990, refundedFen: 0, description: '<b>蓝莓</b>', status: 'created' as const, expiresAt: '2026-11-27T03:25:00.000Z', paidAt: null };

  it('picks the language from ?lang=, then Accept-Language, else Chinese', () => {
    expect(pickLang('en', 'zh-CN')).toBe('en');
    expect(pickLang(undefined, 'en-US,en;q=0.9')).toBe('en');
    expect(pickLang(undefined, 'zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh');
    expect(pickLang(undefined, undefined)).toBe('zh');
  });

  it('shows the amount in yuan, escapes the description and keeps the CSRF token inside the script safely', () => {
    const html = renderSandboxPage(view, { lang: 'zh', csrfToken: 'tok</script>', expired: false });
    expect(html).toContain('¥59.90');
    expect(html).toContain('&lt;b&gt;蓝莓&lt;/b&gt;');
    expect(html).toContain('确认支付');
    expect(html).toContain('2026-11-27 11:25');
    expect(html).not.toContain('tok</script>');
    expect(renderSandboxPage(view, { lang: 'en', csrfToken: 't', expired: false })).toContain('Confirm payment');
    const expired = renderSandboxPage(view, { lang: 'en', csrfToken: 't', expired: true });
    expect(expired).toContain('This payment has expired');
    expect(expired).not.toContain('id="pay"');
  });
});
