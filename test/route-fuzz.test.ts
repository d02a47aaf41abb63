import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PNG_1X1, type TestApp, type TestClient } from './helpers.js';
import { COUNTY_B, makeCounty, makeLicence, makeProduct, makeSupplier, makeUser } from './factories.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from '../src/modules/demo/index.js';

/**
 * Bad input never gets a 5xx. Every API route is called by people of several roles with
 * bodies built from the route's own schema, so most pass validation and reach the service,
 * holding ids that exist, ids of another kind or county, and ids that exist nowhere. The
 * demo county is seeded first, so there are real rows to point at. Deterministic: the
 * values come from a seeded generator, and a failure names the request that caused it.
 */
const ROUNDS = 8;
/** FUZZ_SEED=n explores other values (CI always runs seed 0). */
const SEED = Number(process.env.FUZZ_SEED ?? 0);
const SKIP = new Set([
  'POST /api/v1/auth/logout', // would end the session the rest of the run uses
  'DELETE /api/v1/auth/sessions/{sessionId}',
  'POST /api/v1/auth/password',
]);

/** Where the ids a path or body names live: parameter or field name → table. */
const ID_TABLES: Record<string, string> = {
  productId: 'product', skuId: 'sku', supplierId: 'supplier', sessionId: 'live_session', itemId: 'live_session_item',
  orderId: 'shop_order', orderItemId: 'order_item', checkoutId: 'checkout', caseId: 'aftersales_case', addressId: 'buyer_address',
  licenceId: 'licence', userId: 'app_user', hostUserId: 'app_user', fileId: 'stored_file', batchId: 'batch',
  courseId: 'training_course', cohortId: 'training_cohort', lessonId: 'training_lesson', moduleId: 'training_module',
  meetingId: 'training_meeting', enrolmentId: 'training_enrolment', saleId: 'live_flash_sale', notificationId: 'notification',
  grantId: 'role_grant', matchId: 'host_match', sampleId: 'host_sample_request', lineId: 'payout_line', paymentId: 'sandbox_payment',
  accountId: 'ledger_account', entryId: 'ledger_entry', commentId: 'live_comment', refundId: 'payment_refund', flashSaleId: 'live_flash_sale',
  assignmentId: 'training_assignment', submissionId: 'training_submission',
};

/** Values that fit the patterns our schemas use (phones, dates, region codes, numbers), tried in turn. */
const PATTERN_VALUES = [
  '13812345678', '2026-11-27', '2027-01-15', '2026-11-27T10:00:00.000Z', new Date(Date.now() + 3_600_000).toISOString(),
  '220622', '220621', '2206', '22', '110105', '220622100', '220622100200', '650102', 'SF1234567890', 'JY12206220000012',
  'SC10122062100011', '6901234567892', 'abc', 'ABC123', '12:30', 'x', 'a'.repeat(40), '0', '1',
];

let t: TestApp;
const clients: { who: string; client: TestClient }[] = [];
const pools = new Map<string, string[]>();
let spec: any;
/** Whole phone or ID numbers seen by people who should see them masked (checked by the first test). */
const leaks: string[] = [];
const RECIPIENT_PHONE = '13712340000';
/** Staff of the second county, and the first county's ids by the name that carries them. */
let countyB: { who: string; client: TestClient }[] = [];
const poolsA = new Map<string, string[]>();

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function resolve(schema: any): any {
  if (schema?.$ref) return resolve(spec.components?.schemas?.[String(schema.$ref).split('/').pop()!]);
  return schema ?? {};
}

/** An id for a field or parameter: one that exists (often), one of another kind, or none at all. */
function idFor(r: Rand, name: string): string {
  const own = [...(pools.get(ID_TABLES[name] ?? '') ?? []), ...(name === 'batchId' ? pools.get('payout_batch') ?? [] : [])];
  const roll = r();
  if (own.length && roll < 0.7) return pick(r, own);
  if (roll < 0.85) {
    const all = [...pools.values()].filter((p) => p.length);
    if (all.length) return pick(r, pick(r, all));
  }
  return pick(r, ['nope', 'prd_00000000000000000000000000', '0', '../etc/passwd', '%00', 'x'.repeat(80)]);
}

function value(r: Rand, raw: any, name: string, depth = 0): unknown {
  const s = resolve(raw);
  if (s.anyOf || s.oneOf) return value(r, pick(r, s.anyOf ?? s.oneOf), name, depth);
  if (s.const !== undefined) return s.const;
  if (s.enum) return pick(r, s.enum);
  const type = Array.isArray(s.type) ? pick(r, s.type) : s.type;
  switch (type) {
    case 'null': return null;
    case 'boolean': return r() < 0.5;
    case 'integer':
    case 'number': {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1_000_000);
      const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 2_000_000_000);
      const choices = [min, max, Math.max(min, Math.min(max, 0)), Math.max(min, Math.min(max, 1)), Math.floor(min + r() * (max - min))];
      return pick(r, choices);
    }
    case 'string': {
      if (/Id$/.test(name) || name === 'id') return idFor(r, name);
      if (s.format === 'date-time') return pick(r, ['2026-11-27T10:00:00.000Z', new Date(Date.now() + 86_400_000).toISOString(), '1970-01-01T00:00:00.000Z']);
      if (s.format === 'date') return pick(r, ['2026-11-27', '2099-12-31', '2000-02-29']);
      const fits = (v: string) => (!s.pattern || new RegExp(s.pattern, 'u').test(v)) && v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? Infinity);
      const candidates = PATTERN_VALUES.filter(fits);
      const free = ['', ' ', '蓝莓', '靖宇县蓝莓 125g×4盒', '<script>alert(1)</script>', "'; drop table product; --", '🍓'.repeat(5)].filter(fits);
      if (s.maxLength) free.push('长'.repeat(s.maxLength));
      const all = [...candidates, ...free];
      return all.length ? pick(r, all) : 'x';
    }
    case 'array': {
      const n = Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 3, Math.floor(r() * 4)));
      return Array.from({ length: n }, () => value(r, s.items, name.replace(/s$/, ''), depth + 1));
    }
    case 'object':
    default: {
      if (depth > 5) return {};
      const out: Record<string, unknown> = {};
      const required = new Set<string>(s.required ?? []);
      const props = Object.entries(s.properties ?? {});
      for (const [k, v] of props) {
        if (required.has(k) || r() < 0.5) out[k] = value(r, v, k, depth + 1);
      }
      for (const [k, v] of props) if (Object.keys(out).length < (s.minProperties ?? 0) && !(k in out)) out[k] = value(r, v, k, depth + 1);
      return out;
    }
  }
}

beforeAll(async () => {
  t = await createTestApp({ sandboxPay: { secret: 'fuzz-secret', notifyDelayMs: 5 } });
  await seedDemo(t.deps);
  // Another county with its own supplier and product, so ids of other counties are in the pools.
  const { operator: opB, admin: adminB } = await makeCounty(t, COUNTY_B);
  countyB = [{ who: 'center_admin', client: adminB.client }, { who: 'operator', client: opB.client }];
  const supB = await makeSupplier(t, { countyCode: COUNTY_B, name: '人参农场' });
  await makeLicence(t, opB.client, supB, 'produce_certificate');
  await makeProduct(t, opB.client, supB, { title: '抚松人参', village: '220621100201', skus: [{ priceFen: 9900, stock: 10 }], publish: true });
  for (const phone of ['13900000001', '13900000002', '13900000003', '13900000004', '13900000005', '13900000006', '13900000009']) {
    const c = t.client();
    await c.login(phone, DEMO_PASSWORD);
    clients.push({ who: DEMO_ACCOUNTS.find((a) => a.phone === phone)!.role, client: c });
  }
  // A buyer's address, and an order placed and paid, so those ids exist too.
  const buyer = clients.find((c) => c.who === 'buyer')!.client;
  const address = await buyer.post('/api/v1/me/addresses', { recipientName: '吴买家', phone: RECIPIENT_PHONE, regionCode: '110105', detail: '幸福路1号' });
  const sku = await t.deps.db.selectFrom('sku').innerJoin('product', 'product.id', 'sku.product_id').select('sku.id').where('product.status', '=', 'on_sale').where('sku.stock_available', '>', 5).where('product.county_code', '=', '220622').executeTakeFirstOrThrow();
  await buyer.request('POST', '/api/v1/checkouts', { items: [{ skuId: sku.id, quantity: 1 }], addressId: address.body.id }, { 'idempotency-key': 'fuzz-checkout-1' });
  for (const table of new Set([...Object.values(ID_TABLES), 'payout_batch'])) {
    const rows = await (t.deps.db as any).selectFrom(table).select('id').limit(30).execute().catch(() => []);
    pools.set(table, rows.map((x: { id: string }) => String(x.id)));
  }
  for (const table of new Set([...Object.values(ID_TABLES), 'payout_batch'])) {
    const rows = await (t.deps.db as any).selectFrom(table).select('id').where('county_code', '=', '220622').limit(30).execute().catch(() => null);
    if (rows) poolsA.set(table, rows.map((x: { id: string }) => String(x.id)));
  }
  // Rows without a county column: the first county's through their parent.
  const through = async (table: string, parent: string, fk: string) => {
    const rows = await (t.deps.db as any).selectFrom(`${table} as c`).innerJoin(`${parent} as p`, 'p.id', `c.${fk}`).select('c.id').where('p.county_code', '=', '220622').limit(30).execute();
    poolsA.set(table, rows.map((x: { id: string }) => String(x.id)));
  };
  await through('training_module', 'training_course', 'course_id');
  await through('training_lesson', 'training_course', 'course_id');
  await through('training_assignment', 'training_course', 'course_id');
  await through('training_meeting', 'training_cohort', 'cohort_id');
  await through('training_submission', 'training_cohort', 'cohort_id');
  await through('live_session_item', 'live_session', 'session_id');
  await through('live_flash_sale', 'live_session', 'session_id');
  await through('live_comment', 'live_session', 'session_id');
  await through('order_item', 'shop_order', 'order_id');
  // People: the first county's hosts, and its staff (an administrator manages only its own county's).
  const hosts = await t.deps.db.selectFrom('host_profile').select('host_user_id').where('county_code', '=', '220622').execute();
  const staff = await t.deps.db.selectFrom('role_grant').select('user_id').where('region_prefix', '=', '220622').where('role', '!=', 'buyer').execute();
  poolsA.set('app_user', [...new Set([...hosts.map((h) => h.host_user_id), ...staff.map((g) => g.user_id)])]);
  spec = (await t.client().get('/api/openapi.json')).body;
}, 180_000);
afterAll(async () => { await t?.close(); });

type Op = { path: string; method: string; op: any };
const operations = (): Op[] => Object.entries(spec.paths as Record<string, Record<string, any>>)
  .filter(([path]) => path.startsWith('/api/v1'))
  .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })))
  .filter((o) => !SKIP.has(`${o.method} ${o.path}`));

/** One generated call of route n, round `round`: sent, and its 5xx (if any) described. */
async function call(o: Op, n: number, round: number, salt: number): Promise<string | null> {
  const r = rng(SEED * 1_000_003 + salt * 7919 + n * 1000 + round);
  const url = o.path.replace(/\{([a-zA-Z]+)\}/g, (_m, name: string) => encodeURIComponent(name === 'code' ? pick(r, ['220622', '2206', '999999']) : name === 'certNo' ? 'FS000000000000000' : idFor(r, name)));
  const query = (o.op.parameters ?? []).filter((p: any) => p.in === 'query' && (p.required || r() < 0.5))
    .map((p: any) => `${encodeURIComponent(p.name)}=${encodeURIComponent(String(value(r, p.schema, p.name)))}`);
  const schema = o.op.requestBody?.content?.['application/json']?.schema;
  const body = o.method === 'GET' || o.method === 'DELETE' ? undefined : schema ? value(r, schema, 'body') : {};
  // Someone the route lets in (the route × role test covers the others).
  const access = o.op['x-access'];
  const allowed = Array.isArray(access) ? clients.filter((c) => access.includes(c.who)) : clients;
  let { who, client } = (allowed.length ? allowed : clients)[(n + round) % (allowed.length || clients.length)]!;
  // Signing up or in would swap the caller's session cookie for the new one: a stranger does it.
  if (/^\/api\/v1\/auth\/(signup|login|sms\/login)$/.test(o.path)) ({ who, client } = { who: 'anonymous', client: t.client() });
  const headers: Record<string, string> = o.path.includes('checkouts') || o.path.includes('/pay') ? { 'idempotency-key': `fuzz-${salt}-${n}-${round}` } : {};
  const res = await client.request(o.method, query.length ? `${url}?${query.join('&')}` : url, body, headers);
  if (process.env.FUZZ_LOG) fs.appendFileSync(process.env.FUZZ_LOG, `${res.status} ${res.body?.code ?? ''} ${o.method} ${o.path} ${who}\n`);
  if (['official', 'host', 'trainee'].includes(who) && res.status < 300) {
    // People who see others' phones and ID numbers masked: any whole one in an answer (other than
    // their own, or a value the fuzz itself wrote into some free text) is a leak.
    const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? '');
    const own = DEMO_ACCOUNTS.find((a) => a.role === who)!.phone;
    const phones = [...text.matchAll(/(?<![\w-])1[3-9]\d{9}(?![\w-])/g)].map((m) => m[0]).filter((x) => x !== own && !PATTERN_VALUES.includes(x));
    const ids = [...text.matchAll(/(?<![\w-])\d{17}[\dXx](?![\w-])/g)].map((m) => m[0]);
    if (phones.length || ids.length) leaks.push(`${who} ${o.method} ${o.path}: ${[...new Set([...phones, ...ids])].join(', ')}`);
  }
  return res.status >= 500 ? `${res.status} ${o.method} ${url} as ${who} body=${JSON.stringify(body)?.slice(0, 300)} → ${JSON.stringify(res.body)?.slice(0, 200)}` : null;
}

/**
 * Calls route o as `caller` with path ids drawn from `idsFor(name)`: rows the caller must not
 * reach. Anything but a 4xx is described as a failure.
 */
async function callWithIds(o: Op, client: TestClient, caller: string, r: Rand, idsFor: (name: string) => string[], idem: string): Promise<string | null> {
  const url = o.path.replace(/\{([a-zA-Z]+)\}/g, (_m, name: string) => encodeURIComponent(pick(r, idsFor(name))));
  const schema = o.op.requestBody?.content?.['application/json']?.schema;
  const body = o.method === 'GET' || o.method === 'DELETE' ? undefined : schema ? value(r, schema, 'body') : {};
  const res = await client.request(o.method, url, body, { 'idempotency-key': idem });
  if (process.env.FUZZ_LOG) fs.appendFileSync(process.env.FUZZ_LOG, `${res.status} ${res.body?.code ?? ''} FENCED ${o.method} ${o.path} ${caller}\n`);
  return res.status < 300 || res.status >= 500 ? `${res.status} ${o.method} ${url} as ${caller} → ${JSON.stringify(res.body)?.slice(0, 200)}` : null;
}

describe('route fuzz', () => {
  it('no route answers 5xx to schema-shaped input with real, foreign and missing ids', async () => {
    const failures: string[] = [];
    const ops = operations();
    expect(ops.length).toBeGreaterThan(150);
    for (const [n, o] of ops.entries()) {
      for (let round = 0; round < ROUNDS; round++) {
        const failed = await call(o, n, round, 0);
        if (failed) failures.push(failed);
      }
    }
    expect(failures).toEqual([]);
    expect([...new Set(leaks)]).toEqual([]);
  }, 300_000);

  it('nor to odd files on the upload routes: empty, random bytes, mislabelled, broken sheets', async () => {
    const random = (r: Rand, n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));
    const files = (r: Rand): [Buffer, string, string][] => [
      [PNG_1X1, 'a.png', 'image/png'],
      [Buffer.alloc(0), 'empty.png', 'image/png'],
      [random(r, 3000), 'noise.jpg', 'image/jpeg'],
      [PNG_1X1, 'sheet.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      [Buffer.concat([Buffer.from('504b0304', 'hex'), random(r, 500)]), 'broken.xlsx', 'application/octet-stream'],
      [Buffer.from('\uFEFF商品,订单数,件数,成交额\n蓝莓,1,1,"1,2,3"\n"未闭合,2\n,,,\n'), 'odd.csv', 'text/csv'],
      [Buffer.from('订单号,快递公司,运单号\nFS1,顺丰,\n,,SF123\n'), 'track.csv', 'text/csv'],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'x.svg', 'image/svg+xml'],
      [Buffer.concat([Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex'), random(r, 800)]), 'v.mp4', 'video/mp4'],
    ];
    const uploads = operations().filter((o) => (o.method === 'POST' || o.method === 'PUT') && /(images|scan|cover|photos|import|imports\/tracking|external-accounts|\/file|submissions)$/.test(o.path));
    expect(uploads.length).toBeGreaterThanOrEqual(8);
    const failures: string[] = [];
    for (const [n, o] of uploads.entries()) {
      const r = rng(SEED * 1_000_003 + 77 + n);
      for (const [data, name, type] of files(r)) {
        const url = o.path.replace(/\{([a-zA-Z]+)\}/g, (_m, p: string) => encodeURIComponent(idFor(r, p)));
        const access = o.op['x-access'];
        const allowed = Array.isArray(access) ? clients.filter((c) => access.includes(c.who)) : clients;
        const { who, client } = pick(r, allowed.length ? allowed : clients);
        const query = (o.op.parameters ?? []).filter((p: any) => p.in === 'query' && p.required).map((p: any) => `${p.name}=${encodeURIComponent(String(value(r, p.schema, p.name)))}`);
        const res = await client.upload(o.method as 'POST' | 'PUT', query.length ? `${url}?${query.join('&')}` : url, data, name, type);
        if (process.env.FUZZ_LOG) fs.appendFileSync(process.env.FUZZ_LOG, `${res.status} ${res.body?.code ?? ''} UPLOAD ${o.path} ${name} ${who}\n`);
        if (res.status >= 500) failures.push(`${res.status} ${o.method} ${url} ${name} (${type}) as ${who} → ${JSON.stringify(res.body)?.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it("staff of another county never get a success with the first county's ids", async () => {
    // Object-level scope: the route × role test shows who may call a route at all; this shows
    // that the rows themselves are fenced. Every staff route with an id in its path is called
    // by the second county's administrator or operator, with ids of the first county's rows.
    const failures: string[] = [];
    let checked = 0;
    // Accounts are not a county's: an administrator grants a role in its own county to anyone's
    // account (found by phone), since one person may work in two counties.
    const acrossCounties = new Set(['POST /api/v1/users/{userId}/roles']);
    for (const [n, o] of operations().entries()) {
      const access = o.op['x-access'];
      if (!Array.isArray(access) || acrossCounties.has(`${o.method} ${o.path}`)) continue;
      const names = [...o.path.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => m[1]!);
      if (!names.length || !names.every((name) => poolsA.get(ID_TABLES[name] ?? '')?.length || name === 'batchId')) continue;
      const caller = countyB.find((c) => access.includes(c.who));
      if (!caller) continue;
      for (let round = 0; round < 3; round++) {
        const r = rng(SEED * 1_000_003 + 31 + n * 10 + round);
        const failed = await callWithIds(o, caller.client, `county B ${caller.who}`, r, (name) =>
          [...(poolsA.get(ID_TABLES[name] ?? '') ?? []), ...(name === 'batchId' ? poolsA.get('payout_batch') ?? [] : [])], `scope-${n}-${round}`);
        checked++;
        if (failed) failures.push(failed);
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  }, 300_000);

  it("a buyer never gets a success with another buyer's ids, nor a supplier with another supplier's", async () => {
    const ids = async (q: any) => (await q.select('t.id').limit(30).execute()).map((x: { id: string }) => String(x.id));
    const db = t.deps.db as any;
    const buyerId = clients.find((c) => c.who === 'buyer')!.client.userId!;
    const supplierId = (await t.deps.db.selectFrom('role_grant').select('supplier_id').where('user_id', '=', clients.find((c) => c.who === 'supplier')!.client.userId!).where('role', '=', 'supplier').executeTakeFirstOrThrow()).supplier_id!;
    const stranger = await makeUser(t, [{ role: 'buyer' }], '另一位买家');
    const theirs: { who: string; client: TestClient; pools: Map<string, string[]> }[] = [
      {
        who: 'buyer', client: stranger.client, pools: new Map([
          ['checkout', await ids(db.selectFrom('checkout as t').where('t.buyer_id', '=', buyerId))],
          ['shop_order', await ids(db.selectFrom('shop_order as t').where('t.buyer_id', '=', buyerId))],
          ['buyer_address', await ids(db.selectFrom('buyer_address as t').where('t.user_id', '=', buyerId))],
          ['aftersales_case', await ids(db.selectFrom('aftersales_case as t').where('t.buyer_id', '=', buyerId))],
          ['order_item', await ids(db.selectFrom('order_item as t').innerJoin('shop_order as o', 'o.id', 't.order_id').where('o.buyer_id', '=', buyerId))],
        ]),
      },
      {
        who: 'supplier', client: clients.find((c) => c.who === 'supplier')!.client, pools: new Map([
          ['supplier', await ids(db.selectFrom('supplier as t').where('t.id', '!=', supplierId).where('t.county_code', '=', '220622'))],
          ['product', await ids(db.selectFrom('product as t').where('t.supplier_id', '!=', supplierId).where('t.county_code', '=', '220622'))],
          ['sku', await ids(db.selectFrom('sku as t').innerJoin('product as p', 'p.id', 't.product_id').where('p.supplier_id', '!=', supplierId).where('p.county_code', '=', '220622'))],
          ['batch', await ids(db.selectFrom('batch as t').innerJoin('product as p', 'p.id', 't.product_id').where('p.supplier_id', '!=', supplierId).where('p.county_code', '=', '220622'))],
          ['licence', await ids(db.selectFrom('licence as t').where('t.supplier_id', '!=', supplierId).where('t.county_code', '=', '220622'))],
          ['shop_order', await ids(db.selectFrom('shop_order as t').where('t.supplier_id', '!=', supplierId).where('t.county_code', '=', '220622'))],
          ['aftersales_case', await ids(db.selectFrom('aftersales_case as t').where('t.supplier_id', '!=', supplierId).where('t.county_code', '=', '220622'))],
        ]),
      },
    ];
    const failures: string[] = [];
    let checked = 0;
    for (const { who, client, pools: own } of theirs) {
      for (const [n, o] of operations().entries()) {
        const access = o.op['x-access'];
        if (access === 'public' || (Array.isArray(access) && !access.includes(who))) continue;
        const names = [...o.path.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => m[1]!);
        if (!names.length || !names.every((name) => own.get(ID_TABLES[name] ?? '')?.length)) continue;
        for (let round = 0; round < 3; round++) {
          const r = rng(SEED * 1_000_003 + 53 + n * 10 + round);
          const failed = await callWithIds(o, client, `another ${who}`, r, (name) => own.get(ID_TABLES[name]!)!, `owner-${n}-${round}`);
          checked++;
          if (failed) failures.push(failed);
        }
      }
    }
    expect(checked).toBeGreaterThan(60);
    expect(failures).toEqual([]);
  }, 300_000);

  it('nor when neighbouring routes run at once on the same rows (deadlocks, unique clashes)', async () => {
    // Waves of WAVE routes × ROUNDS calls in flight together, over the same small pools of ids:
    // on PostgreSQL two writers locking shared rows in opposite orders would deadlock (a 500),
    // and a clash on a unique key that a service did not expect would surface as one too.
    const WAVE = 6;
    const failures: string[] = [];
    const ops = operations();
    for (let start = 0; start < ops.length; start += WAVE) {
      const wave = ops.slice(start, start + WAVE).flatMap((o, k) => Array.from({ length: ROUNDS }, (_v, round) => call(o, start + k, round, 1)));
      for (const failed of await Promise.all(wave)) if (failed) failures.push(failed);
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
