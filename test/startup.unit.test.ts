import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

/** Runs `tsx src/main.ts` with the given environment and returns its exit code and stderr. */
function runMain(env: Record<string, string>, timeoutMs = 20_000): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, LOG_LEVEL: 'silent', SEED_DEMO: 'false', MEDIA_SERVER: 'off', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += String(d); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stderr }); });
  });
}

describe('configuration', () => {
  it('reads defaults and converts types', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.sqlitePath.endsWith(path.join('data', 'fengshou.db'))).toBe(true);
    expect(loadConfig({ PORT: '8080' }).port).toBe(8080);
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      expect(msg).toContain('PORT');
      expect(msg).toContain('DATABASE_URL');
      expect(msg).toContain('LOG_LEVEL');
    }
  });
});

describe('start-up failures give a clear message and exit code', () => {
  it('bad configuration: exit 78', async () => {
    const r = await runMain({ PORT: 'not-a-port' });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('PORT');
  });

  it('unreachable DATABASE_URL: exit 69', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fengshou-start-'));
    const r = await runMain({ DATA_DIR: dir, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(r.code).toBe(69);
    expect(r.stderr).toContain('cannot reach the database');
  });

  it('data directory not writable: exit 73', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fengshou-start-')), 'a-file');
    fs.writeFileSync(file, 'not a folder');
    const r = await runMain({ DATA_DIR: path.join(file, 'data') });
    expect(r.code).toBe(73);
    expect(r.stderr).toContain('not writable');
  });

  it('port in use: exit 75', async () => {
    const blocker = net.createServer();
    await new Promise<void>((res) => blocker.listen(0, '127.0.0.1', () => res()));
    const port = (blocker.address() as net.AddressInfo).port;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fengshou-start-'));
    try {
      const r = await runMain({ DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1' });
      expect(r.code).toBe(75);
      expect(r.stderr).toContain(`port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });
});

describe('SMS provider configuration', () => {
  it('requires every Alibaba Cloud setting when SMS_PROVIDER=aliyun', () => {
    expect(() => loadConfig({ SMS_PROVIDER: 'aliyun', ALIYUN_SMS_ACCESS_KEY_ID: 'id' })).toThrow(/ALIYUN_SMS_ACCESS_KEY_SECRET, ALIYUN_SMS_SIGN_NAME, ALIYUN_SMS_TEMPLATE_LOGIN/);
    const c = loadConfig({ SMS_PROVIDER: 'aliyun', ALIYUN_SMS_ACCESS_KEY_ID: 'id', ALIYUN_SMS_ACCESS_KEY_SECRET: 's', ALIYUN_SMS_SIGN_NAME: '丰收', ALIYUN_SMS_TEMPLATE_LOGIN: 'SMS_1' });
    expect(c.aliyunSms?.templateLogin).toBe('SMS_1');
    expect(loadConfig({}).aliyunSms).toBeUndefined();
  });
});

describe('configuration errors keep secrets out of the message', () => {
  it('names a bad secret setting without printing its value', () => {
    try {
      loadConfig({ SMS_PROVIDER: 'aliyun', ALIYUN_SMS_ACCESS_KEY_ID: 'id', ALIYUN_SMS_ACCESS_KEY_SECRET: '', ALIYUN_SMS_SIGN_NAME: 's', ALIYUN_SMS_TEMPLATE_LOGIN: 't', PORT: 'x' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toContain('PORT');
    }
    try {
      loadConfig({ SESSION_DAYS: 'forever', ALIYUN_SMS_ACCESS_KEY_SECRET: 'x', WECHAT_API_V3_KEY: 'short-secret-value' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toContain('SESSION_DAYS');
      expect((err as Error).message).not.toContain('short-secret-value');
    }
  });
});
