import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';
import { DEFAULT_SENSITIVE_WORDS, sensitiveHits } from './room.comments.js';

describe('live room settings', () => {
  it('reads FLASH_SALE_LEAD_SECONDS (3–60, default 10), LIVE_SENSITIVE_WORDS and LIVE_COMMENTS_PER_MINUTE', () => {
    const d = loadConfig({});
    expect(d.flashSaleLeadSeconds).toBe(10);
    expect(d.liveSensitiveWords).toEqual([]);
    expect(d.liveCommentsPerMinute).toBe(20);
    const c = loadConfig({ FLASH_SALE_LEAD_SECONDS: '15', LIVE_SENSITIVE_WORDS: '假货, 山寨，\n代刷 ,', LIVE_COMMENTS_PER_MINUTE: '5' });
    expect(c.flashSaleLeadSeconds).toBe(15);
    expect(c.liveSensitiveWords).toEqual(['假货', '山寨', '代刷']);
    expect(c.liveCommentsPerMinute).toBe(5);
    expect(() => loadConfig({ FLASH_SALE_LEAD_SECONDS: '2' })).toThrow(ConfigError);
    expect(() => loadConfig({ FLASH_SALE_LEAD_SECONDS: '61' })).toThrow(/FLASH_SALE_LEAD_SECONDS/);
    expect(() => loadConfig({ LIVE_COMMENTS_PER_MINUTE: '0' })).toThrow(/LIVE_COMMENTS_PER_MINUTE/);
  });

  it('the word filter sees through spacing, width and case, and leaves ordinary chat alone', () => {
    const words = [...DEFAULT_SENSITIVE_WORDS, '假货'];
    expect(sensitiveHits('加 微 信 领红包', words)).toEqual(['加微信']);
    expect(sensitiveHits('加．Ｖ详聊', words)).toContain('加v');
    expect(sensitiveHits('卖假货', words)).toEqual(['假货']);
    expect(sensitiveHits('联系 139 1234 5678', words)).toEqual(['手机号']);
    expect(sensitiveHits('看 www.example.com', words)).toEqual(['链接']);
    expect(sensitiveHits('加我vx', words)).toEqual(expect.arrayContaining(['加我']));
    for (const ok of ['主播好！蓝莓甜吗？', '3号 2份', '有usb接口吗', '今天vxyz很好', '老家在吉林', '我买了两盒']) expect(sensitiveHits(ok, words), ok).toEqual([]);
  });
});
