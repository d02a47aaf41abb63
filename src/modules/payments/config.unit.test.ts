import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';

/** The payment settings in src/config.ts, validated like the Alibaba SMS ones. */
describe('payment settings', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fengshou-pay-cfg-'));
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = path.join(dir, 'apiclient_key.pem');
  const pubFile = path.join(dir, 'pub_key.pem');
  fs.writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  fs.writeFileSync(pubFile, publicKey.export({ type: 'spki', format: 'pem' }));
  const WECHAT = {
    PAYMENT_PROVIDER: 'wechat', WECHAT_MCH_ID: '1900009191', WECHAT_APP_ID: 'wxd678efh567hg6787', WECHAT_MCH_SERIAL: '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C',
    WECHAT_MCH_PRIVATE_KEY_FILE: keyFile, WECHAT_API_V3_KEY: 'a7cde1ZJB1kG2e7VfTc4bCnA8uJ4s5Qm', WECHAT_PLATFORM_PUBLIC_KEY_FILE: pubFile,
    WECHAT_PLATFORM_SERIAL: 'PUB_KEY_ID_0114232134912410000000000000',
  };

  it('defaults to the sandbox with a random secret', () => {
    const c = loadConfig({});
    expect(c.paymentProvider).toBe('sandbox');
    expect(c.wechatPay).toBeUndefined();
    expect(c.sandboxPay.secret.length).toBeGreaterThanOrEqual(32);
    expect(c.sandboxPay.notifyDelayMs).toBe(1000);
    expect(loadConfig({}).sandboxPay.secret).not.toBe(c.sandboxPay.secret);
    expect(loadConfig({ SANDBOX_PAY_SECRET: 'a-fixed-secret-0123', SANDBOX_PAY_NOTIFY_DELAY_MS: '0' }).sandboxPay).toEqual({ secret: 'a-fixed-secret-0123', notifyDelayMs: 0 });
  });

  it('reads and checks the WeChat key files', () => {
    const c = loadConfig(WECHAT);
    expect(c.wechatPay).toMatchObject({ mchId: '1900009191', appId: 'wxd678efh567hg6787', platformSerial: 'PUB_KEY_ID_0114232134912410000000000000' });
    expect(c.wechatPay!.mchPrivateKeyPem).toContain('BEGIN PRIVATE KEY');
  });

  it('names every missing or bad WeChat setting', () => {
    expect(() => loadConfig({ PAYMENT_PROVIDER: 'wechat', WECHAT_MCH_ID: '1900009191' })).toThrow(/PAYMENT_PROVIDER=wechat needs WECHAT_APP_ID, WECHAT_MCH_SERIAL, WECHAT_MCH_PRIVATE_KEY_FILE, WECHAT_API_V3_KEY, WECHAT_PLATFORM_PUBLIC_KEY_FILE, WECHAT_PLATFORM_SERIAL/);
    expect(() => loadConfig({ ...WECHAT, WECHAT_API_V3_KEY: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...WECHAT, PAYMENT_PROVIDER: 'alipay' })).toThrow(/PAYMENT_PROVIDER/);
    expect(() => loadConfig({ ...WECHAT, WECHAT_MCH_PRIVATE_KEY_FILE: path.join(dir, 'missing.pem') })).toThrow(/WECHAT_MCH_PRIVATE_KEY_FILE.*cannot be read \(ENOENT\)/);
    expect(() => loadConfig({ ...WECHAT, WECHAT_MCH_PRIVATE_KEY_FILE: pubFile })).toThrow(/not a PEM private key/);
    expect(() => loadConfig({ ...WECHAT, WECHAT_PLATFORM_PUBLIC_KEY_FILE: path.join(dir, 'missing.pem') })).toThrow(ConfigError);
  });
});
