import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every problem code the server throws has a message in both catalogues, so a person never
 * reads "操作没有成功（<English detail>）". Read from the source: `new AppError(status, 'code'`,
 * `conflict('code'` and `refuse('code'`; the catalogues' keys are read from their files too (the
 * web app has its own TypeScript settings). Field codes (`invalid(pointer, detail, code)`) have
 * their own catalogue and fallback.
 */
const MACHINE_FACING = new Set([
  // answered to payment providers and the media server, never shown to a person
  'amount_mismatch', 'unknown_payment', 'unknown_refund', 'bad_hook_token', 'publish_refused', 'external_session', 'error',
  'upgrade_required', // a WebSocket route asked for over plain HTTP
  // the ledger's own invariants: a programming error if a person ever meets one
  'idempotency_conflict', 'ledger_invalid_account', 'ledger_invalid_amount', 'ledger_invalid_county', 'ledger_invalid_idempotency_key',
  'ledger_invalid_kind', 'ledger_invalid_party', 'ledger_missing_ref', 'ledger_mixed_counties', 'ledger_too_few_lines',
  'ledger_unbalanced', 'ledger_unknown_account', 'ledger_zero_line',
]);

function sourceFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.includes('.test.'))
    .map((f) => path.join(dir, f));
}

/** The codes a language's catalogue files name (`key` captures the code in the key). */
function catalogueKeys(lang: 'zh-CN' | 'en', key: RegExp): Set<string> {
  return new Set(fs.readdirSync('web/src/i18n').filter((f) => f === `${lang}.ts` || f.endsWith(`.${lang}.ts`))
    .flatMap((f) => [...fs.readFileSync(path.join('web/src/i18n', f), 'utf8').matchAll(key)].map((m) => m[1]!)));
}

describe('problem messages', () => {
  it('every code a person can meet reads well in Chinese and English', () => {
    const codes = new Set<string>();
    for (const file of sourceFiles('src')) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/new AppError\(\s*\d+\s*,\s*'([a-z_]+)'|\bconflict\(\s*'([a-z_]+)'|\brefuse\(\s*'([a-z_]+)'/g)) codes.add((m[1] ?? m[2] ?? m[3])!);
    }
    expect(codes.size).toBeGreaterThan(100);
    const zh = catalogueKeys('zh-CN', /^\s*'problem\.([a-z_]+)':/gm);
    const english = catalogueKeys('en', /^\s*'problem\.([a-z_]+)':/gm);
    expect(zh.size).toBeGreaterThan(100);
    const missing = [...codes].filter((c) => !MACHINE_FACING.has(c)).filter((c) => !zh.has(c) || !english.has(c)).sort();
    expect(missing).toEqual([]);
  });

  it('every field code (invalid(pointer, detail, code)) has its own words beside the field', () => {
    const codes = new Set<string>();
    for (const file of sourceFiles('src')) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\binvalid\(\s*[`'][^`']*[`']\s*,\s*(?:'[^']*'|`[^`]*`|"[^"]*")\s*,\s*'([a-z_]+)'/g)) codes.add(m[1]!);
    }
    expect(codes.size).toBeGreaterThan(40);
    const zh = catalogueKeys('zh-CN', /^\s*'field(?:Code|\.[A-Za-z]+)\.([a-z_]+)':/gm);
    const english = catalogueKeys('en', /^\s*'field(?:Code|\.[A-Za-z]+)\.([a-z_]+)':/gm);
    expect([...codes].filter((c) => !zh.has(c) || !english.has(c)).sort()).toEqual([]);
  });
});
