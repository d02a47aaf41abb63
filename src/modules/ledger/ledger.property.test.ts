import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestApp, type TestApp } from '../../../test/helpers.js';
import { systemCtx, type Ctx } from '../../context.js';
import { AppError } from '../../platform/http/errors.js';
import {
  CHART, commissionAccrued, normalBalance, paymentReceived, payout, postEntry, providerSettled, refundConfirmed, refundDecided,
  trialBalance, type AccountKind, type EntryInput,
} from './index.js';

/**
 * Random sequences of payments, commissions (and their reversals), refunds, settlements and
 * payouts go through the real service on the real database. After every step: each entry sums
 * to zero, the trial balance is zero, every balance matches a plain model of the books, and no
 * guarded account (supplier and host payables, funds, refund clearing) is below zero; whatever
 * the model says would take one below zero must have been refused with insufficient_balance.
 */

let t: TestApp;
let ctx: Ctx;
let reader: Ctx;

beforeAll(async () => {
  t = await createTestApp();
  ctx = systemCtx(t.deps);
  reader = { ...ctx, actor: { userId: 'usr_reader', name: 'reader', phone: '', sessionId: 'ses_reader', grants: [{ id: 'rg_reader', role: 'center_admin', regionPrefix: '', supplierId: null }] } };
});
afterAll(async () => { await t?.close(); });

const SUPPLIERS = ['sup_prop_a', 'sup_prop_b', 'sup_prop_c'];
const HOSTS = ['usr_prop_a', 'usr_prop_b'];
const fen = (max: number) => fc.integer({ min: 1, max });
const s = fc.integer({ min: 0, max: SUPPLIERS.length - 1 });
const h = fc.integer({ min: 0, max: HOSTS.length - 1 });

const op = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('pay' as const), s, fen: fen(50_000), s2: fc.option(s, { nil: undefined }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('commission' as const), s, h, commission: fc.nat(3_000), fee: fc.nat(1_000) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('pledge' as const), s, pledge: fc.nat(3_000), fee: fc.nat(1_000), charityBp: fc.integer({ min: 0, max: 10_000 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('reverseCommission' as const), s, h, commission: fc.nat(3_000), fee: fc.nat(1_000) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('refund' as const), s, fen: fen(30_000) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('refundConfirmed' as const), fen: fen(30_000) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('settle' as const), fen: fen(60_000) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('payoutSupplier' as const), s, fen: fen(60_000) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('payoutHost' as const), h, fen: fen(5_000) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('payoutFund' as const), charity: fc.boolean(), fen: fen(3_000) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('replay' as const) }) },
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

let countySeq = 0;
let idSeq = 0;

function build(countyCode: string, o: Exclude<Op, { t: 'replay' }>): EntryInput | null {
  const id = `x${++idSeq}`;
  switch (o.t) {
    case 'pay': {
      const orders = [{ orderId: `ord_${id}`, supplierId: SUPPLIERS[o.s]!, amountFen: o.fen }];
      if (o.s2 !== undefined) orders.push({ orderId: `ord_${id}b`, supplierId: SUPPLIERS[o.s2]!, amountFen: Math.ceil(o.fen / 3) });
      return paymentReceived({ countyCode, paymentId: `pay_${id}`, orders });
    }
    case 'commission':
      return commissionAccrued({ countyCode, orderId: `ord_${id}`, supplierId: SUPPLIERS[o.s]!, serviceFeeFen: o.fee, host: { hostUserId: HOSTS[o.h]!, commissionFen: o.commission } });
    case 'pledge':
      return commissionAccrued({ countyCode, orderId: `ord_${id}`, supplierId: SUPPLIERS[o.s]!, serviceFeeFen: o.fee, host: { pledgeFen: o.pledge, charityBp: o.charityBp, developmentBp: 10_000 - o.charityBp } });
    case 'reverseCommission':
      return commissionAccrued({ countyCode, orderId: `ord_${id}`, supplierId: SUPPLIERS[o.s]!, serviceFeeFen: o.fee, host: { hostUserId: HOSTS[o.h]!, commissionFen: o.commission }, reverse: { refundId: `rf_${id}` } });
    case 'refund':
      return refundDecided({ countyCode, refundId: `rf_${id}`, orderId: `ord_${id}`, supplierId: SUPPLIERS[o.s]!, amountFen: o.fen });
    case 'refundConfirmed':
      return refundConfirmed({ countyCode, refundId: `rf_${id}`, amountFen: o.fen });
    case 'settle':
      return providerSettled({ countyCode, settlementId: `st_${id}`, amountFen: o.fen });
    case 'payoutSupplier':
      return payout({ countyCode, payoutId: `po_${id}`, to: { supplierId: SUPPLIERS[o.s]! }, amountFen: o.fen });
    case 'payoutHost':
      return payout({ countyCode, payoutId: `po_${id}`, to: { hostUserId: HOSTS[o.h]! }, amountFen: o.fen });
    case 'payoutFund':
      return payout({ countyCode, payoutId: `po_${id}`, to: { fund: o.charity ? 'charity_fund' : 'development_fund' }, amountFen: o.fen });
  }
}

/** The model: each account's balance on its normal side, keyed by kind and party. */
type Books = Map<string, number>;
const keyOf = (kind: AccountKind, party?: string | null) => `${kind}|${party ?? ''}`;

function lineKey(l: EntryInput['lines'][number]): { key: string; kind: AccountKind } {
  if (!('kind' in l.account)) throw new Error('the property test names accounts by kind');
  return { key: keyOf(l.account.kind, l.account.partyId), kind: l.account.kind };
}

/** Applies the entry to the model if no guarded account would go below zero; says whether it did. */
function applyToModel(books: Books, e: EntryInput): boolean {
  const next = new Map(books);
  for (const l of e.lines) {
    const { key, kind } = lineKey(l);
    next.set(key, (next.get(key) ?? 0) + normalBalance(kind, l.amountFen));
  }
  for (const l of e.lines) {
    const { key, kind } = lineKey(l);
    if (CHART[kind].guarded && next.get(key)! < 0) return false;
  }
  for (const [k, v] of next) books.set(k, v);
  return true;
}

async function checkInvariants(countyCode: string, books: Books) {
  const unbalanced = await t.deps.db.selectFrom('ledger_posting').select('entry_id').where('county_code', '=', countyCode)
    .groupBy('entry_id').having((eb) => eb.fn.sum('amount_fen'), '<>', 0).execute();
  expect(unbalanced).toEqual([]);
  const tb = await trialBalance(reader, countyCode);
  expect(tb.balanced).toBe(true);
  expect(tb.netFen).toBe(0);
  for (const a of tb.accounts) {
    const modelled = books.get(keyOf(a.kind, a.partyId)) ?? 0;
    expect(a.balanceFen, `${a.kind} ${a.partyId ?? ''}`).toBe(modelled);
    if (CHART[a.kind].guarded) expect(a.balanceFen).toBeGreaterThanOrEqual(0);
  }
  // The guarded running balances agree with the sums of the postings.
  const rows = await t.deps.db.selectFrom('ledger_account').select(['kind', 'party_id', 'balance_fen']).where('county_code', '=', countyCode).execute();
  for (const r of rows) {
    if (CHART[r.kind].guarded) expect(r.balance_fen, `${r.kind} ${r.party_id}`).toBe(books.get(keyOf(r.kind, r.party_id)) ?? 0);
    else expect(r.balance_fen).toBeNull();
  }
}

describe('ledger property', () => {
  it('random payments, commissions, refunds and payouts keep the books balanced and payables non-negative', async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 20 }), async (ops) => {
      // A county of its own per run: the books start empty without cleaning up.
      const countyCode = `9${String(++countySeq).padStart(5, '0')}`;
      const books: Books = new Map();
      let last: { input: EntryInput; id: string } | null = null;
      for (const o of ops) {
        if (o.t === 'replay') {
          if (!last) continue;
          const again = await postEntry(ctx, last.input);
          expect(again.replayed).toBe(true);
          expect(again.id).toBe(last.id);
        } else {
          const input = build(countyCode, o);
          if (!input) continue;
          const ok = applyToModel(books, input);
          try {
            const e = await postEntry(ctx, input);
            expect(ok, `${o.t} was posted but the model says it takes a guarded account below zero`).toBe(true);
            last = { input, id: e.id };
            accepted++;
          } catch (err) {
            if (!(err instanceof AppError) || err.code !== 'insufficient_balance') throw err;
            expect(ok, `${o.t} was refused but the model allows it`).toBe(false);
            refused++;
          }
        }
        await checkInvariants(countyCode, books);
      }
    }), { numRuns: 50 });
    // The generators must exercise both outcomes, or the property says little.
    expect(accepted).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(5);
  });
});
