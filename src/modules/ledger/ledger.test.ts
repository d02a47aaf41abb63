import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/helpers.js';
import { COUNTY_A, COUNTY_B, makeCounty, makeSupplier, makeUser, type MadeUser } from '../../../test/factories.js';
import { inTransaction, systemCtx, type Ctx } from '../../context.js';
import { AppError } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids.js';
import { addDays, bizDate } from '../../platform/time.js';
import {
  commissionAccrued, getOrCreateAccount, paymentReceived, payout, payoutSupplier, postEntry, providerSettled,
  refundConfirmed, refundDecided, type EntryInput,
} from './index.js';

let t: TestApp;
let ctx: Ctx;
let opA: MadeUser;
let opB: MadeUser;
let adminA: MadeUser;

beforeAll(async () => {
  t = await createTestApp();
  ctx = systemCtx(t.deps);
  ({ operator: opA, admin: adminA } = await makeCounty(t, COUNTY_A));
  ({ operator: opB } = await makeCounty(t, COUNTY_B));
});
afterAll(async () => { await t?.close(); });

async function counts() {
  const n = async (table: 'ledger_account' | 'ledger_entry' | 'ledger_posting') =>
    Number((await t.deps.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { accounts: await n('ledger_account'), entries: await n('ledger_entry'), postings: await n('ledger_posting') };
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

/** Every entry in the database sums to zero. */
async function unbalancedEntries() {
  return t.deps.db.selectFrom('ledger_posting').select('entry_id').groupBy('entry_id')
    .having((eb) => eb.fn.sum('amount_fen'), '<>', 0).execute();
}

const sup = () => makeSupplier(t);

/** A supplier of county A that is owed `fen` (one paid order). */
async function owedSupplier(fen: number) {
  const supplierId = await sup();
  await postEntry(ctx, paymentReceived({ countyCode: COUNTY_A, paymentId: newId('supplier'), orders: [{ orderId: `ord_${supplierId}`, supplierId, amountFen: fen }] }));
  return supplierId;
}

describe('posting entries', () => {
  it('posts a balanced entry with all its postings and creates the accounts it names', async () => {
    const supplierId = await sup();
    const e = await postEntry(ctx, paymentReceived({ countyCode: COUNTY_A, paymentId: 'pay_1', orders: [{ orderId: 'ord_1', supplierId, amountFen: 5990 }] }));
    expect(e.replayed).toBe(false);
    expect(e.kind).toBe('payment');
    expect(e.bizDate).toBe(bizDate());
    expect(e.totalFen).toBe(5990);
    expect(e.postings.map((p) => [p.accountKind, p.partyId, p.amountFen, p.side])).toEqual([
      ['payment_clearing', null, 5990, 'debit'],
      ['supplier_payable', supplierId, -5990, 'credit'],
    ]);
    const acct = await t.deps.db.selectFrom('ledger_account').selectAll().where('party_id', '=', supplierId).executeTakeFirstOrThrow();
    expect(acct.balance_fen).toBe(5990); // guarded: normal-side running balance
    const clearing = await t.deps.db.selectFrom('ledger_account').selectAll().where('county_code', '=', COUNTY_A).where('kind', '=', 'payment_clearing').executeTakeFirstOrThrow();
    expect(clearing.balance_fen).toBeNull(); // not guarded: no hot row to update
    expect(await unbalancedEntries()).toEqual([]);
  });

  it('records who posted it and joins the caller\'s transaction: a rollback takes the entry with it', async () => {
    const supplierId = await sup();
    const before = await counts();
    await expect(inTransaction(ctx, async (tx) => {
      await postEntry(tx, paymentReceived({ countyCode: COUNTY_A, paymentId: 'pay_rolled_back', orders: [{ orderId: 'o', supplierId, amountFen: 100 }] }));
      throw new Error('the order write failed');
    })).rejects.toThrow('the order write failed');
    expect(await counts()).toEqual(before);
    const e = await postEntry({ ...ctx, actor: { userId: adminA.id, name: 'x', phone: 'x', sessionId: 'x', grants: [] } },
      paymentReceived({ countyCode: COUNTY_A, paymentId: 'pay_by', orders: [{ orderId: 'o', supplierId, amountFen: 100 }] }));
    expect(e.createdBy).toBe(adminA.id);
  });

  const base = (lines: EntryInput['lines'], over: Partial<EntryInput> = {}): EntryInput =>
    ({ countyCode: COUNTY_A, kind: 'adjustment', refType: 'test', refId: 'r1', lines, ...over });
  const clearing = { kind: 'payment_clearing' } as const;
  const fee = { kind: 'center_service_fee' } as const;

  const refusals: [string, () => EntryInput, number, string][] = [
    ['an unbalanced entry', () => base([{ account: clearing, amountFen: 100 }, { account: fee, amountFen: -99 }]), 422, 'ledger_unbalanced'],
    ['a zero line', () => base([{ account: clearing, amountFen: 100 }, { account: fee, amountFen: -100 }, { account: fee, amountFen: 0 }]), 422, 'ledger_zero_line'],
    ['a fractional amount', () => base([{ account: clearing, amountFen: 1.5 }, { account: fee, amountFen: -1.5 }]), 422, 'ledger_invalid_amount'],
    ['an unsafe amount', () => base([{ account: clearing, amountFen: 2 ** 53 }, { account: fee, amountFen: -(2 ** 53) }]), 422, 'ledger_invalid_amount'],
    ['NaN', () => base([{ account: clearing, amountFen: Number.NaN }, { account: fee, amountFen: Number.NaN }]), 422, 'ledger_invalid_amount'],
    ['a string amount', () => base([{ account: clearing, amountFen: '100' as unknown as number }, { account: fee, amountFen: -100 }]), 422, 'ledger_invalid_amount'],
    ['one line', () => base([{ account: clearing, amountFen: 0 }]), 422, 'ledger_too_few_lines'],
    ['no lines', () => base([]), 422, 'ledger_too_few_lines'],
    ['a line of another county', () => base([{ account: clearing, amountFen: 100 }, { account: { ...fee, countyCode: COUNTY_B }, amountFen: -100 }]), 422, 'ledger_mixed_counties'],
    ['a supplier account without a supplier', () => base([{ account: clearing, amountFen: 100 }, { account: { kind: 'supplier_payable' }, amountFen: -100 }]), 422, 'ledger_invalid_party'],
    ['a party on a county-wide account', () => base([{ account: { kind: 'bank', partyId: 'sup_x' }, amountFen: 100 }, { account: fee, amountFen: -100 }]), 422, 'ledger_invalid_party'],
    ['an unknown account id', () => base([{ account: clearing, amountFen: 100 }, { account: { accountId: 'lac_nope' }, amountFen: -100 }]), 422, 'ledger_unknown_account'],
    ['an entry without a reference', () => base([{ account: clearing, amountFen: 100 }, { account: fee, amountFen: -100 }], { refId: '' }), 422, 'ledger_missing_ref'],
    ['a bad county code', () => base([{ account: clearing, amountFen: 100 }, { account: fee, amountFen: -100 }], { countyCode: '22' }), 422, 'ledger_invalid_county'],
  ];
  for (const [what, input, status, code] of refusals) {
    it(`refuses ${what} (${code}) and writes nothing`, async () => {
      const before = await counts();
      const err = await refusal(postEntry(ctx, input()));
      expect([err.status, err.code]).toEqual([status, code]);
      expect(await counts()).toEqual(before);
    });
  }

  it('refuses a line naming another county\'s account by id', async () => {
    const other = await getOrCreateAccount(ctx, COUNTY_B, 'center_service_fee');
    const before = await counts();
    const err = await refusal(postEntry(ctx, base([{ account: clearing, amountFen: 100 }, { account: { accountId: other.id }, amountFen: -100 }])));
    expect(err.code).toBe('ledger_mixed_counties');
    expect(await counts()).toEqual(before);
  });

  it('refuses a payout larger than what the supplier is owed, and writes nothing', async () => {
    const supplierId = await owedSupplier(1000);
    const before = await counts();
    const err = await refusal(payoutSupplier(ctx, { countyCode: COUNTY_A, payoutId: 'po_big', supplierId, amountFen: 1001 }));
    expect([err.status, err.code, err.extra.balanceFen, err.extra.requiredFen]).toEqual([409, 'insufficient_balance', 1000, 1001]);
    expect(await counts()).toEqual(before);
    const ok = await payoutSupplier(ctx, { countyCode: COUNTY_A, payoutId: 'po_ok', supplierId, amountFen: 1000 });
    expect(ok.replayed).toBe(false);
    const again = await refusal(payoutSupplier(ctx, { countyCode: COUNTY_A, payoutId: 'po_more', supplierId, amountFen: 1 }));
    expect(again.code).toBe('insufficient_balance');
  });

  it('a refusal inside a caller\'s transaction that goes on leaves that transaction as it was', async () => {
    const supplierId = await owedSupplier(500);
    const before = await counts();
    const result = await inTransaction(ctx, async (tx) => {
      await postEntry(tx, paymentReceived({ countyCode: COUNTY_A, paymentId: 'pay_in_tx', orders: [{ orderId: 'o', supplierId, amountFen: 100 }] }));
      // Two guarded lines: the first goes down fine, the second is refused after it.
      const hostId = newId('user');
      await postEntry(tx, commissionAccrued({ countyCode: COUNTY_A, orderId: 'o_c', supplierId, serviceFeeFen: 0, host: { hostUserId: hostId, commissionFen: 50 } })!);
      const err = await refusal(postEntry(tx, {
        countyCode: COUNTY_A, kind: 'adjustment', refType: 'test', refId: 'two-guarded', lines: [
          { account: { kind: 'supplier_payable', partyId: supplierId }, amountFen: 10 },
          { account: { kind: 'host_commission_payable', partyId: hostId }, amountFen: 51 },
          { account: { kind: 'bank' }, amountFen: -61 },
        ],
      }));
      expect(err.code).toBe('insufficient_balance');
      return 'committed';
    });
    expect(result).toBe('committed');
    const after = await counts();
    expect(after.entries).toBe(before.entries + 2);
    expect(after.postings).toBe(before.postings + 4);
    const payable = await t.deps.db.selectFrom('ledger_account').select('balance_fen').where('party_id', '=', supplierId).executeTakeFirstOrThrow();
    expect(payable.balance_fen).toBe(500 + 100 - 50);
  });
});

describe('idempotency', () => {
  it('posting the same keyed event again returns the first entry', async () => {
    const supplierId = await sup();
    const input = paymentReceived({ countyCode: COUNTY_A, paymentId: 'pay_replay', orders: [{ orderId: 'o', supplierId, amountFen: 700 }] });
    const first = await postEntry(ctx, input);
    const before = await counts();
    const second = await postEntry(ctx, input);
    expect(second.id).toBe(first.id);
    expect(second.replayed).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it('the same key in another county is another entry', async () => {
    const a = await postEntry(ctx, providerSettled({ countyCode: COUNTY_A, settlementId: 'st_1', amountFen: 10 }));
    const b = await postEntry(ctx, providerSettled({ countyCode: COUNTY_B, settlementId: 'st_1', amountFen: 10 }));
    expect(b.id).not.toBe(a.id);
    expect(b.replayed).toBe(false);
  });

  it('refuses a key reused for different lines (409 idempotency_conflict)', async () => {
    await postEntry(ctx, providerSettled({ countyCode: COUNTY_A, settlementId: 'st_2', amountFen: 10 }));
    const before = await counts();
    const err = await refusal(postEntry(ctx, providerSettled({ countyCode: COUNTY_A, settlementId: 'st_2', amountFen: 11 })));
    expect([err.status, err.code]).toEqual([409, 'idempotency_conflict']);
    expect(await counts()).toEqual(before);
  });

  it('ten identical keyed entries at once make one entry', async () => {
    const supplierId = await sup();
    const input = paymentReceived({ countyCode: COUNTY_A, paymentId: 'pay_race', orders: [{ orderId: 'o', supplierId, amountFen: 1234 }] });
    const before = await counts();
    const results = await Promise.all(Array.from({ length: 10 }, () => postEntry(ctx, input)));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    const after = await counts();
    expect(after.entries).toBe(before.entries + 1);
    expect(after.postings).toBe(before.postings + 2);
    const payable = await t.deps.db.selectFrom('ledger_account').select('balance_fen').where('party_id', '=', supplierId).executeTakeFirstOrThrow();
    expect(payable.balance_fen).toBe(1234);
  });
});

describe('concurrency', () => {
  it('ten callers creating the same account at once get one account', async () => {
    const supplierId = await sup();
    const got = await Promise.all(Array.from({ length: 10 }, () => getOrCreateAccount(ctx, COUNTY_A, 'supplier_payable', supplierId)));
    expect(new Set(got.map((a) => a.id)).size).toBe(1);
    const rows = await t.deps.db.selectFrom('ledger_account').select('id').where('party_id', '=', supplierId).execute();
    expect(rows).toHaveLength(1);
  });

  it('ten entries at once that each name a new account share that account', async () => {
    const supplierId = await sup();
    await Promise.all(Array.from({ length: 10 }, (_, i) =>
      postEntry(ctx, paymentReceived({ countyCode: COUNTY_A, paymentId: `pay_new_${i}_${supplierId}`, orders: [{ orderId: `o${i}`, supplierId, amountFen: 100 }] }))));
    const rows = await t.deps.db.selectFrom('ledger_account').select(['id', 'balance_fen']).where('party_id', '=', supplierId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.balance_fen).toBe(1000);
  });

  it('concurrent payouts never spend the same balance twice', async () => {
    const supplierId = await owedSupplier(1000);
    const settled = await Promise.allSettled(Array.from({ length: 10 }, (_, i) =>
      payoutSupplier(ctx, { countyCode: COUNTY_A, payoutId: `po_race_${i}_${supplierId}`, supplierId, amountFen: 300 })));
    const ok = settled.filter((s) => s.status === 'fulfilled');
    const refused = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(ok).toHaveLength(3);
    expect(refused.every((r) => r.reason instanceof AppError && r.reason.code === 'insufficient_balance')).toBe(true);
    const payable = await t.deps.db.selectFrom('ledger_account').select('balance_fen').where('party_id', '=', supplierId).executeTakeFirstOrThrow();
    expect(payable.balance_fen).toBe(100);
    expect(await unbalancedEntries()).toEqual([]);
  });
});

describe('business events', () => {
  it('an official host\'s pledge goes to the funds, split by basis points, and the rest balances', async () => {
    const supplierId = await owedSupplier(10_000);
    const e = await postEntry(ctx, commissionAccrued({
      countyCode: COUNTY_A, orderId: 'ord_official', supplierId, serviceFeeFen: 300, host: { pledgeFen: 1001, charityBp: 5000, developmentBp: 5000 },
    })!);
    expect(e.postings.map((p) => [p.accountKind, p.amountFen])).toEqual([
      ['supplier_payable', 1301], ['charity_fund', -501], ['development_fund', -500], ['center_service_fee', -300],
    ]);
    expect(commissionAccrued({ countyCode: COUNTY_A, orderId: 'o', supplierId, serviceFeeFen: 0 })).toBeNull();
  });

  it('a refund is taken from the supplier and cleared when the provider confirms; a larger one is refused', async () => {
    const supplierId = await owedSupplier(800);
    await postEntry(ctx, refundDecided({ countyCode: COUNTY_A, refundId: `rf_${supplierId}`, orderId: 'o', supplierId, amountFen: 300 }));
    await postEntry(ctx, refundConfirmed({ countyCode: COUNTY_A, refundId: `rf_${supplierId}`, amountFen: 300 }));
    const err = await refusal(postEntry(ctx, refundDecided({ countyCode: COUNTY_A, refundId: `rf2_${supplierId}`, orderId: 'o', supplierId, amountFen: 501 })));
    expect(err.code).toBe('insufficient_balance');
    expect(() => payout({ countyCode: COUNTY_A, payoutId: 'p', to: { fund: 'charity_fund' }, amountFen: 0 })).toThrow(AppError);
  });
});

describe('ledger routes', () => {
  const tb = (countyCode: string, q = '') => `/api/v1/ledger/trial-balance?countyCode=${countyCode}${q}`;

  it('balances: the center sees its county\'s accounts; another county reads as empty', async () => {
    const res = await opA.client.get(`/api/v1/ledger/accounts?countyCode=${COUNTY_A}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items.every((a: { countyCode: string }) => a.countyCode === COUNTY_A)).toBe(true);
    const clearing = res.body.items.find((a: { kind: string }) => a.kind === 'payment_clearing');
    expect(clearing.balanceFen).toBe(clearing.debitFen - clearing.creditFen);
    const fromB = await opB.client.get(`/api/v1/ledger/accounts?countyCode=${COUNTY_A}`);
    expect(fromB.status).toBe(200);
    expect(fromB.body.items).toEqual([]);
    const onlyPayables = await opA.client.get(`/api/v1/ledger/accounts?countyCode=${COUNTY_A}&kind=supplier_payable`);
    expect(onlyPayables.body.items.every((a: { kind: string }) => a.kind === 'supplier_payable')).toBe(true);
    const bad = await opA.client.get('/api/v1/ledger/accounts?countyCode=22');
    expectProblem(bad, 400, 'validation_failed');
  });

  it('the trial balance sums to zero; another county\'s is not found; an official of the city sees both', async () => {
    const res = await opA.client.get(tb(COUNTY_A));
    expect(res.status).toBe(200);
    expect(res.body.balanced).toBe(true);
    expect(res.body.netFen).toBe(0);
    expect(res.body.totalDebitFen).toBeGreaterThan(0);
    expect(res.body.accounts.reduce((s: number, a: { debitFen: number; creditFen: number }) => s + a.debitFen - a.creditFen, 0)).toBe(0);
    expectProblem(await opB.client.get(tb(COUNTY_A)), 404, 'not_found');
    const official = await makeUser(t, [{ role: 'official', prefix: COUNTY_A.slice(0, 4) }]);
    expect((await official.client.get(tb(COUNTY_A))).status).toBe(200);
    expect((await official.client.get(tb(COUNTY_B))).status).toBe(200);
    const yesterday = await opA.client.get(tb(COUNTY_A, `&asOf=${addDays(bizDate(), -1)}`));
    expect(yesterday.body.totalDebitFen).toBe(0);
    expectProblem(await opA.client.get(tb(COUNTY_A, '&asOf=2026-02-30')), 422, 'validation_failed');
  });

  it('an entry is readable by its county only', async () => {
    const e = await postEntry(ctx, providerSettled({ countyCode: COUNTY_A, settlementId: 'st_route', amountFen: 42 }));
    const res = await opA.client.get(`/api/v1/ledger/entries/${e.id}`);
    expect(res.status).toBe(200);
    expect(res.body.postings.map((p: { amountFen: number }) => p.amountFen)).toEqual([42, -42]);
    expectProblem(await opB.client.get(`/api/v1/ledger/entries/${e.id}`), 404, 'not_found');
    expectProblem(await opA.client.get('/api/v1/ledger/entries/len_missing'), 404, 'not_found');
  });

  it('a statement pages oldest first with opening, running and closing balances', async () => {
    const supplierId = await sup();
    for (const [i, fen] of [100, 200, 300, 400, 500].entries()) {
      await postEntry(ctx, paymentReceived({ countyCode: COUNTY_A, paymentId: `pay_st_${i}_${supplierId}`, orders: [{ orderId: `o${i}`, supplierId, amountFen: fen }] }));
    }
    await payoutSupplier(ctx, { countyCode: COUNTY_A, payoutId: `po_st_${supplierId}`, supplierId, amountFen: 250 });
    const account = await getOrCreateAccount(ctx, COUNTY_A, 'supplier_payable', supplierId);
    const url = `/api/v1/ledger/accounts/${account.id}/postings?from=${bizDate()}&to=${bizDate()}&limit=4`;
    const p1 = await opA.client.get(url);
    expect(p1.status).toBe(200);
    expect(p1.body.openingBalanceFen).toBe(0);
    expect(p1.body.closingBalanceFen).toBe(1250);
    expect(p1.body.items.map((i: { balanceFen: number }) => i.balanceFen)).toEqual([100, 300, 600, 1000]);
    expect(p1.body.items[0].creditFen).toBe(100);
    const p2 = await opA.client.get(`${url}&cursor=${p1.body.nextCursor}`);
    expect(p2.body.items.map((i: { balanceFen: number; entryKind: string }) => [i.entryKind, i.balanceFen])).toEqual([['payment', 1500], ['payout', 1250]]);
    expect(p2.body.nextCursor).toBeNull();
    const later = await opA.client.get(`/api/v1/ledger/accounts/${account.id}/postings?from=${addDays(bizDate(), 1)}`);
    expect([later.body.openingBalanceFen, later.body.items.length, later.body.closingBalanceFen]).toEqual([1250, 0, 1250]);

    expectProblem(await opB.client.get(url), 404, 'not_found');
    expectProblem(await opA.client.get(`/api/v1/ledger/accounts/${account.id}/postings?from=2026-02-01&to=2026-01-01`), 422, 'validation_failed');
    expectProblem(await opA.client.get(`/api/v1/ledger/accounts/${account.id}/postings?cursor=nope`), 400, 'validation_failed');

    // The supplier itself reads its own payable, not another supplier's.
    const own = await makeUser(t, [{ role: 'supplier', supplierId }]);
    expect((await own.client.get(url)).status).toBe(200);
    const otherSupplier = await makeUser(t, [{ role: 'supplier', supplierId: await sup() }]);
    expectProblem(await otherSupplier.client.get(url), 404, 'not_found');
  });

  it('a host reads its own commission statement, with an official\'s pledge visible in the funds', async () => {
    const host = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '主播');
    const otherHost = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '主播二');
    const supplierId = await owedSupplier(5000);
    await postEntry(ctx, commissionAccrued({ countyCode: COUNTY_A, orderId: `ord_h_${host.id}`, supplierId, serviceFeeFen: 100, host: { hostUserId: host.id, commissionFen: 450 } })!);
    const account = await getOrCreateAccount(ctx, COUNTY_A, 'host_commission_payable', host.id);
    const res = await host.client.get(`/api/v1/ledger/accounts/${account.id}/postings`);
    expect(res.status).toBe(200);
    expect(res.body.closingBalanceFen).toBe(450);
    expectProblem(await otherHost.client.get(`/api/v1/ledger/accounts/${account.id}/postings`), 404, 'not_found');
    const clearing = await getOrCreateAccount(ctx, COUNTY_A, 'payment_clearing');
    expectProblem(await host.client.get(`/api/v1/ledger/accounts/${clearing.id}/postings`), 404, 'not_found');
  });
});
