import type { Ctx } from '../../context.js';
import { inTransaction } from '../../context.js';
import { inScope, scopePrefixes } from '../../platform/http/access.js';
import { AppError, invalid, notFound } from '../../platform/http/errors.js';
import { decodeCursor, toPage } from '../../platform/http/pagination.js';
import { newId } from '../../platform/ids.js';
import { bizDate, nowIso } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import { CHART, normalBalance, payout, postEntry, type Payee } from '../ledger/index.js';
import { CENTER, COUNTY_READERS } from './policy.service.js';
import type { PayeeKind, PayoutBatchTable, PayoutLineTable } from './settlement.tables.js';

/**
 * Payout batches. The center makes one batch per county at a time (a partial unique index):
 * a line per payee with what it is owed at the end of the period (never more than its guarded
 * balance now), exports it for the bank, then marks lines paid. Paying a line is one
 * transaction: the batch row is locked (a conditional update), the line moves unpaid → paid
 * with `WHERE status = 'unpaid'`, and the ledger's `payout()` entry is posted with the line id
 * as its key; a payee whose balance fell below the line since (a refund) is refused and the line
 * stays unpaid. So a line is paid once, whoever clicks and however often.
 */

const PAYABLE_KINDS = ['supplier_payable', 'host_commission_payable', 'charity_fund', 'development_fund'] as const;
const payeeKindOf = (k: (typeof PAYABLE_KINDS)[number]): PayeeKind =>
  k === 'supplier_payable' ? 'supplier' : k === 'host_commission_payable' ? 'host' : k;
const maskAccount = (a: string) => (a ? `****${a.slice(-4)}` : '');

function lineView(l: PayoutLineTable) {
  return {
    id: l.id, payeeKind: l.payee_kind, partyId: l.party_id || null, amountFen: l.amount_fen,
    payeeName: l.payee_name, payeeBank: l.payee_bank, payeeAccountMasked: maskAccount(l.payee_account), payeeDetailsMissing: !l.payee_account,
    status: l.status, entryId: l.entry_id, paidAt: l.paid_at, paidBy: l.paid_by,
  };
}

function batchView(b: PayoutBatchTable, lines: PayoutLineTable[]) {
  const paid = lines.filter((l) => l.status === 'paid');
  return {
    id: b.id, batchNo: b.batch_no, countyCode: b.county_code, from: b.period_from, to: b.period_to, status: b.status, note: b.note,
    totalFen: b.total_fen, paidFen: paid.reduce((s, l) => s + l.amount_fen, 0), lineCount: lines.length, paidCount: paid.length,
    createdBy: b.created_by, createdAt: b.created_at, closedAt: b.closed_at,
    lines: lines.map(lineView),
  };
}
export type BatchView = ReturnType<typeof batchView>;

async function loadBatch(ctx: Ctx, batchId: string, roles = COUNTY_READERS) {
  const b = await ctx.db.selectFrom('payout_batch').selectAll().where('id', '=', batchId).executeTakeFirst();
  if (!b || !inScope(ctx.actor, b.county_code, roles)) throw notFound('Payout batch');
  return b;
}

const linesOf = (ctx: Ctx, batchId: string) => ctx.db.selectFrom('payout_line').selectAll().where('batch_id', '=', batchId).orderBy('payee_kind').orderBy('payee_name').orderBy('id').execute();

export async function getBatch(ctx: Ctx, batchId: string) {
  const b = await loadBatch(ctx, batchId);
  return batchView(b, await linesOf(ctx, b.id));
}

export async function listBatches(ctx: Ctx, q: { countyCode?: string | undefined; cursor?: string | undefined; limit: number }) {
  const prefixes = scopePrefixes(ctx.actor, COUNTY_READERS);
  if (!prefixes.length) return { items: [], nextCursor: null };
  const cursor = decodeCursor(q.cursor);
  let query = ctx.db.selectFrom('payout_batch').selectAll().where((eb) => eb.or(prefixes.map((p) => eb('county_code', 'like', `${p}%`))));
  if (q.countyCode) query = query.where('county_code', '=', q.countyCode);
  if (cursor) query = query.where('id', '<', cursor);
  const rows = await query.orderBy('id', 'desc').limit(q.limit + 1).execute();
  return toPage(rows, q.limit, (b) => batchView(b, []));
}

/**
 * Makes a county's payout batch for a period: one line per supplier, host and fund owed money
 * at the end of `to` (and still owed now), with the payee's bank details as they stand.
 * Refused: another open batch in the county (409 `open_batch_exists`), nothing owed (422
 * `nothing_to_pay`), a period that ends in the future or before it starts.
 */
export async function createBatch(ctx: Ctx, input: { countyCode: string; from: string; to: string; note?: string | undefined }) {
  if (!inScope(ctx.actor, input.countyCode, CENTER)) throw notFound('County');
  if (input.from > input.to) throw invalid('/body/to', 'The period ends before it starts');
  if (input.to > bizDate()) throw invalid('/body/to', 'The period cannot end after today');
  const batch = await inTransaction(ctx, async (tx) => {
    const open = await tx.db.selectFrom('payout_batch').select('batch_no').where('county_code', '=', input.countyCode).where('status', '=', 'open').executeTakeFirst();
    if (open) throw new AppError(409, 'open_batch_exists', `Batch ${open.batch_no} is still open in this county: pay or cancel it first`, [], { batchNo: open.batch_no });
    const accounts = await tx.db.selectFrom('ledger_account as a')
      .leftJoin('ledger_posting as p', (j) => j.onRef('p.account_id', '=', 'a.id').on('p.biz_date', '<=', input.to))
      .select(['a.id', 'a.kind', 'a.party_id', 'a.balance_fen', (eb) => eb.fn.coalesce(eb.fn.sum<number>('p.amount_fen'), eb.lit(0)).as('sum_fen')])
      .where('a.county_code', '=', input.countyCode).where('a.kind', 'in', [...PAYABLE_KINDS])
      .groupBy(['a.id', 'a.kind', 'a.party_id', 'a.balance_fen']).orderBy('a.kind').orderBy('a.party_id').execute();
    // Money for orders not completed yet stays with the platform: the buyer may still cancel or
    // ask for a refund, and a refund is taken back from the supplier's payable.
    const openOrders = await tx.db.selectFrom('shop_order').select(['supplier_id', (eb) => eb.fn.sum<number>(eb('total_fen', '-', eb.ref('refunded_fen'))).as('held')])
      .where('county_code', '=', input.countyCode).where('status', 'in', ['paid', 'shipped', 'delivered']).groupBy('supplier_id').execute();
    const held = new Map(openOrders.map((o) => [o.supplier_id, Number(o.held ?? 0)]));
    const owed = accounts.map((a) => {
      const due = Math.min(normalBalance(a.kind, Number(a.sum_fen)), Number(a.balance_fen ?? 0));
      return { ...a, amount: a.kind === 'supplier_payable' ? Math.max(0, due - (held.get(a.party_id ?? '') ?? 0)) : due };
    }).filter((a) => a.amount > 0);
    if (!owed.length) throw new AppError(422, 'nothing_to_pay', 'Nobody in this county is owed anything for this period');
    const supplierIds = owed.filter((a) => a.kind === 'supplier_payable').map((a) => a.party_id);
    const hostIds = owed.filter((a) => a.kind === 'host_commission_payable').map((a) => a.party_id);
    const suppliers = supplierIds.length ? await tx.db.selectFrom('supplier').select(['id', 'name', 'payee_name', 'payee_bank', 'payee_account']).where('id', 'in', supplierIds).execute() : [];
    const hosts = hostIds.length ? await tx.db.selectFrom('app_user').leftJoin('host_policy', (j) => j.onRef('host_policy.host_user_id', '=', 'app_user.id').on('host_policy.county_code', '=', input.countyCode))
      .select(['app_user.id', 'app_user.name', 'host_policy.payee_name', 'host_policy.payee_bank', 'host_policy.payee_account']).where('app_user.id', 'in', hostIds).execute() : [];
    const funds = await tx.db.selectFrom('fund_payee').selectAll().where('county_code', '=', input.countyCode).execute();
    const now = nowIso();
    const id = newId('payoutBatch');
    const row: PayoutBatchTable = {
      id, batch_no: `PB${input.countyCode}${input.to.replaceAll('-', '')}${id.slice(-6).toUpperCase()}`, county_code: input.countyCode,
      period_from: input.from, period_to: input.to, status: 'open', total_fen: owed.reduce((s, a) => s + a.amount, 0), note: input.note ?? '',
      created_by: ctx.actor?.userId ?? null, created_at: now, updated_at: now, closed_at: null,
    };
    await tx.db.insertInto('payout_batch').values(row).execute();
    await tx.db.insertInto('payout_line').values(owed.map((a): PayoutLineTable => {
      const payee = a.kind === 'supplier_payable' ? (() => { const s = suppliers.find((x) => x.id === a.party_id); return { name: s?.payee_name || s?.name || '', bank: s?.payee_bank ?? '', account: s?.payee_account ?? '' }; })()
        : a.kind === 'host_commission_payable' ? (() => { const h = hosts.find((x) => x.id === a.party_id); return { name: h?.payee_name || h?.name || '', bank: h?.payee_bank ?? '', account: h?.payee_account ?? '' }; })()
          : (() => { const f = funds.find((x) => x.fund === a.kind); return { name: f?.payee_name ?? CHART[a.kind].nameZh, bank: f?.payee_bank ?? '', account: f?.payee_account ?? '' }; })();
      return {
        id: newId('payoutLine'), batch_id: id, county_code: input.countyCode, payee_kind: payeeKindOf(a.kind as (typeof PAYABLE_KINDS)[number]), party_id: a.party_id,
        account_id: a.id, amount_fen: a.amount, payee_name: payee.name, payee_bank: payee.bank, payee_account: payee.account,
        status: 'unpaid', entry_id: null, paid_at: null, paid_by: null,
      };
    })).execute();
    await recordAudit(tx, { action: 'payout_batch.created', targetType: 'payout_batch', targetId: id, countyCode: input.countyCode, detail: { batchNo: row.batch_no, from: input.from, to: input.to, totalFen: row.total_fen, lines: owed.length } });
    return row;
  });
  return getBatch(ctx, batch.id);
}

/** Locks an open batch row for this transaction (a no-op update): pays and cancels of one batch take turns. */
async function lockOpenBatch(tx: Ctx, b: PayoutBatchTable): Promise<void> {
  const res = await tx.db.updateTable('payout_batch').set({ updated_at: nowIso() }).where('id', '=', b.id).where('status', '=', 'open').executeTakeFirst();
  if (Number(res.numUpdatedRows) === 1) return;
  const now = await tx.db.selectFrom('payout_batch').select('status').where('id', '=', b.id).executeTakeFirstOrThrow();
  throw new AppError(409, 'batch_not_open', `This batch is ${now.status}; nothing more can be paid from it`, [], { status: now.status });
}

export interface PayResult {
  lineId: string;
  ok: boolean;
  /** The line was paid before (by this call's twin, a retry or someone else): nothing posted now. */
  alreadyPaid: boolean;
  code: string | null;
  detail: string | null;
  entryId: string | null;
}

const payeeOf = (l: PayoutLineTable): Payee =>
  l.payee_kind === 'supplier' ? { supplierId: l.party_id } : l.payee_kind === 'host' ? { hostUserId: l.party_id } : { fund: l.payee_kind };

/** Pays one line, in one transaction; see the module comment. */
async function payLine(ctx: Ctx, b: PayoutBatchTable, lineId: string): Promise<PayResult> {
  return inTransaction(ctx, async (tx) => {
    const line = await tx.db.selectFrom('payout_line').selectAll().where('id', '=', lineId).where('batch_id', '=', b.id).executeTakeFirst();
    if (!line) throw notFound('Payout line');
    if (line.status === 'paid') return { lineId, ok: true, alreadyPaid: true, code: null, detail: null, entryId: line.entry_id };
    try {
      await lockOpenBatch(tx, b);
    } catch (err) {
      // A twin call paid the last line and closed the batch while this one waited for the lock.
      const again = await tx.db.selectFrom('payout_line').select(['status', 'entry_id']).where('id', '=', lineId).executeTakeFirstOrThrow();
      if (again.status === 'paid') return { lineId, ok: true, alreadyPaid: true, code: null, detail: null, entryId: again.entry_id };
      throw err;
    }
    const now = nowIso();
    const moved = await tx.db.updateTable('payout_line').set({ status: 'paid', paid_at: now, paid_by: tx.actor?.userId ?? null })
      .where('id', '=', lineId).where('status', '=', 'unpaid').executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) {
      const again = await tx.db.selectFrom('payout_line').select(['status', 'entry_id']).where('id', '=', lineId).executeTakeFirstOrThrow();
      if (again.status === 'paid') return { lineId, ok: true, alreadyPaid: true, code: null, detail: null, entryId: again.entry_id };
      throw new AppError(409, 'line_not_payable', `This line is ${again.status}`);
    }
    let entryId: string;
    try {
      entryId = (await postEntry(tx, payout({ countyCode: b.county_code, payoutId: line.id, to: payeeOf(line), amountFen: line.amount_fen }))).id;
    } catch (err) {
      if (err instanceof AppError && err.code === 'insufficient_balance') {
        const balance = Number(err.extra.balanceFen ?? 0);
        throw new AppError(409, 'payee_balance_too_low',
          `${line.payee_name} is now owed ${balance} fen, less than this line's ${line.amount_fen} fen (a refund or correction since the batch was made); the line was not paid: cancel the batch and make a new one`,
          [], { lineId, balanceFen: balance, lineFen: line.amount_fen });
      }
      throw err;
    }
    await tx.db.updateTable('payout_line').set({ entry_id: entryId }).where('id', '=', lineId).execute();
    const left = await tx.db.selectFrom('payout_line').select('id').where('batch_id', '=', b.id).where('status', '=', 'unpaid').limit(1).execute();
    if (!left.length) await tx.db.updateTable('payout_batch').set({ status: 'paid', closed_at: now, updated_at: now }).where('id', '=', b.id).where('status', '=', 'open').execute();
    await recordAudit(tx, { action: 'payout_line.paid', targetType: 'payout_line', targetId: lineId, countyCode: b.county_code, detail: { batchNo: b.batch_no, payeeKind: line.payee_kind, partyId: line.party_id || null, amountFen: line.amount_fen, entryId } });
    return { lineId, ok: true, alreadyPaid: false, code: null, detail: null, entryId };
  });
}

/** Marks one line paid (the bank transfer went through): 409 when the payee's balance fell meanwhile. */
export async function payOneLine(ctx: Ctx, batchId: string, lineId: string) {
  const b = await loadBatch(ctx, batchId, CENTER);
  const r = await payLine(ctx, b, lineId);
  return { result: r, batch: await getBatch(ctx, b.id) };
}

/**
 * Marks the chosen lines (default: every unpaid line) paid, each in its own transaction: one
 * line refused leaves the others paid, and says why on its result.
 */
export async function payBatch(ctx: Ctx, batchId: string, lineIds?: string[]) {
  const b = await loadBatch(ctx, batchId, CENTER);
  if (b.status !== 'open' && b.status !== 'paid') throw new AppError(409, 'batch_not_open', `This batch is ${b.status}; nothing more can be paid from it`, [], { status: b.status });
  const ids = lineIds?.length ? [...new Set(lineIds)] : (await linesOf(ctx, b.id)).filter((l) => l.status !== 'cancelled').map((l) => l.id);
  const results: PayResult[] = [];
  for (const id of ids) {
    try {
      results.push(await payLine(ctx, b, id));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      results.push({ lineId: id, ok: false, alreadyPaid: false, code: err.code, detail: err.message, entryId: null });
    }
  }
  return { paid: results.filter((r) => r.ok && !r.alreadyPaid).length, alreadyPaid: results.filter((r) => r.alreadyPaid).length, failed: results.filter((r) => !r.ok).length, results, batch: await getBatch(ctx, b.id) };
}

/**
 * Cancels an open batch: its unpaid lines are cancelled. With no line paid the batch is
 * `cancelled`; with some paid (and the rest refused, say) it is `closed`. Paid lines stay paid.
 */
export async function cancelBatch(ctx: Ctx, batchId: string, reason: string) {
  const b = await loadBatch(ctx, batchId, CENTER);
  await inTransaction(ctx, async (tx) => {
    await lockOpenBatch(tx, b);
    const now = nowIso();
    await tx.db.updateTable('payout_line').set({ status: 'cancelled' }).where('batch_id', '=', b.id).where('status', '=', 'unpaid').execute();
    const paid = await tx.db.selectFrom('payout_line').select('id').where('batch_id', '=', b.id).where('status', '=', 'paid').limit(1).execute();
    const status = paid.length ? 'closed' : 'cancelled';
    await tx.db.updateTable('payout_batch').set({ status, closed_at: now, updated_at: now }).where('id', '=', b.id).where('status', '=', 'open').execute();
    await recordAudit(tx, { action: 'payout_batch.cancelled', targetType: 'payout_batch', targetId: b.id, countyCode: b.county_code, detail: { batchNo: b.batch_no, status, reason } });
  });
  return getBatch(ctx, b.id);
}

/** The batch's lines with full bank accounts, for the bank file: a sensitive read, audited. */
export async function batchForBank(ctx: Ctx, batchId: string) {
  const b = await loadBatch(ctx, batchId, CENTER);
  const lines = (await linesOf(ctx, b.id)).filter((l) => l.status !== 'cancelled');
  await recordAudit(ctx, { action: 'payout_batch.exported', targetType: 'payout_batch', targetId: b.id, countyCode: b.county_code, detail: { batchNo: b.batch_no, lines: lines.length, totalFen: lines.reduce((s, l) => s + l.amount_fen, 0) } });
  return { batch: b, lines };
}
