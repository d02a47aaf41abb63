import { randomInt } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import type { FastifyReply } from 'fastify';
import type { Ctx, Deps } from '../../context.js';
import { inTransaction } from '../../context.js';
import { lockRow } from '../../platform/db/lock.js';
import { AppError, invalid, notFound } from '../../platform/http/errors.js';
import { type Role, inScope, scopePrefixes, supplierIdsOf } from '../../platform/http/access.js';
import { decodeCursor, toPage } from '../../platform/http/pagination.js';
import { withinScope } from '../../platform/db/scope.js';
import { newId } from '../../platform/ids.js';
import { bizDate, nowIso } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import { changeStockAsSystem } from '../catalog/index.js';
import { inTransactionKeepingFile, putFile, recordReceivedFile, sendFile } from '../files/index.js';
import { postEntry, refundDecided, type EntryInput, type LineInput, type AccountKind } from '../ledger/index.js';
import { transitionOrder, type OrderStatus } from '../orders/index.js';
import { paymentsFor } from '../payments/index.js';
import {
  OPEN_STATUSES, QUALITY_REASONS, type AftersalesCaseTable, type CaseKind, type CaseStatus, type ReasonCode,
} from './aftersales.tables.js';
import { type CaseAction, canAct, canMoveCase } from './transitions.js';

/** Center staff decide escalated cases; officials may read them. */
const CENTER: readonly Role[] = ['center_admin', 'operator'];
const COUNTY_READERS: readonly Role[] = ['center_admin', 'operator', 'official'];
/** Orders a case may be opened on (money taken, not yet refunded in full). */
const REFUNDABLE: readonly OrderStatus[] = ['paid', 'shipped', 'delivered', 'completed'];
const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const MAX_PHOTOS = 9;
const MAX_UNCLAIMED_PHOTOS = 30;
const HOUR_MS = 3_600_000;
/** Perishables: quality complaints with photos within 48 h of delivery (a quality-only line is exempt from no-reason returns). */
const PERISHABLE_WINDOW_MS = 48 * HOUR_MS;
/** Consumer Protection Law art. 25: seven days without reason, counted from delivery. */
const NO_REASON_WINDOW_MS = 7 * 24 * HOUR_MS;

// ---- loading and moving -----------------------------------------------------------------------

type As = 'read' | 'buyer' | 'supplier' | 'center';

/**
 * A case its caller may act on as the given party: the buyer who opened it, the supplier of the
 * order, or the center (and, for reading, officials) of its county. Anything else is 404, as if
 * the case did not exist.
 */
async function loadCase(ctx: Ctx, caseId: string, as: As): Promise<AftersalesCaseTable> {
  const c = await ctx.db.selectFrom('aftersales_case').selectAll().where('id', '=', caseId).executeTakeFirst();
  const isBuyer = !!c && c.buyer_id === ctx.actor?.userId;
  const isSupplier = !!c && supplierIdsOf(ctx.actor).includes(c.supplier_id);
  const ok = !!c && (as === 'buyer' ? isBuyer
    : as === 'supplier' ? isSupplier
      : as === 'center' ? inScope(ctx.actor, c.county_code, CENTER)
        : isBuyer || isSupplier || inScope(ctx.actor, c.county_code, COUNTY_READERS));
  if (!c || !ok) throw notFound('After-sales case');
  return c;
}

/**
 * Moves a case along CASE_TRANSITIONS with one conditional update (`WHERE status = :from`), so
 * two racing requests cannot both move it: the loser gets 409 concurrent_change and its
 * transaction (with any refund it started) rolls back.
 */
export async function moveCase(ctx: Ctx, c: AftersalesCaseTable, to: CaseStatus, set: Partial<AftersalesCaseTable> = {}): Promise<AftersalesCaseTable> {
  if (!canMoveCase(c.status, to)) {
    throw new AppError(409, 'invalid_transition', `An after-sales case that is ${c.status} cannot become ${to}`, [], { from: c.status, to });
  }
  const now = nowIso();
  const res = await ctx.db.updateTable('aftersales_case').set({ ...set, status: to, updated_at: now })
    .where('id', '=', c.id).where('status', '=', c.status).executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new AppError(409, 'concurrent_change', 'The case changed just now; reload and try again');
  return { ...c, ...set, status: to, updated_at: now };
}

/** Refuses an action the case's status does not allow (CASE_ACTIONS), before any write. */
function assertAction(c: AftersalesCaseTable, action: CaseAction): void {
  if (!canAct(c.status, action)) {
    throw new AppError(409, 'invalid_transition', `Cannot ${action.replace('_', ' ')} an after-sales case that is ${c.status}`, [], { from: c.status, action });
  }
}

function caseNo(): string {
  let tail = '';
  for (let i = 0; i < 10; i++) tail += String(randomInt(0, 10));
  return `S${bizDate().replaceAll('-', '')}${tail}`;
}

/** out_refund_no at the provider: WeChat allows 1–64 of [0-9A-Za-z_-|*@]; one refund per case. */
const refundNoFor = (c: { case_no: string }) => `R${c.case_no}`;

function isUniqueViolation(err: unknown): boolean {
  const code = String((err as { code?: unknown }).code ?? '');
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

// ---- views --------------------------------------------------------------------------------------

export async function caseViews(ctx: Ctx, cases: AftersalesCaseTable[]) {
  if (cases.length === 0) return [];
  const ids = cases.map((c) => c.id);
  const items = await ctx.db.selectFrom('aftersales_case_item').innerJoin('order_item', 'order_item.id', 'aftersales_case_item.order_item_id')
    .select(['aftersales_case_item.case_id', 'aftersales_case_item.order_item_id', 'aftersales_case_item.quantity', 'order_item.sku_id', 'order_item.title',
      'order_item.spec', 'order_item.unit_price_fen', 'order_item.returns_policy'])
    .where('aftersales_case_item.case_id', 'in', ids).orderBy('aftersales_case_item.order_item_id').execute();
  const photos = await ctx.db.selectFrom('aftersales_photo').select(['case_id', 'file_id']).where('case_id', 'in', ids).orderBy('file_id').execute();
  const orders = await ctx.db.selectFrom('shop_order').select(['id', 'order_no']).where('id', 'in', [...new Set(cases.map((c) => c.order_id))]).execute();
  const refundIds = cases.map((c) => c.refund_id).filter((x): x is string => !!x);
  const refunds = refundIds.length
    ? await ctx.db.selectFrom('payment_refund').select(['id', 'refund_no', 'amount_fen', 'status', 'completed_at']).where('id', 'in', refundIds).execute()
    : [];
  const hours = ctx.deps.config.aftersalesEscalateHours;
  return cases.map((c) => {
    const r = refunds.find((x) => x.id === c.refund_id);
    return {
      id: c.id, caseNo: c.case_no, orderId: c.order_id, orderNo: orders.find((o) => o.id === c.order_id)?.order_no ?? '',
      buyerId: c.buyer_id, supplierId: c.supplier_id, countyCode: c.county_code, kind: c.kind, status: c.status,
      reasonCode: c.reason_code, reasonText: c.reason_text, requestedFen: c.requested_fen, approvedFen: c.approved_fen,
      items: items.filter((i) => i.case_id === c.id).map((i) => ({
        orderItemId: i.order_item_id, skuId: i.sku_id, title: i.title, spec: i.spec, unitPriceFen: i.unit_price_fen, quantity: i.quantity, returnsPolicy: i.returns_policy,
      })),
      photos: photos.filter((p) => p.case_id === c.id).map((p) => `/api/v1/aftersales/${c.id}/photos/${p.file_id}`),
      rejectReason: c.reject_reason,
      returnShipment: c.return_tracking_no ? { carrier: c.return_carrier ?? '', trackingNo: c.return_tracking_no, shippedAt: c.return_shipped_at, receivedAt: c.return_received_at } : null,
      escalation: c.escalated_at ? { by: c.escalated_by!, note: c.escalation_note ?? '', at: c.escalated_at } : null,
      decision: c.decided_at ? { outcome: c.decision!, note: c.decision_note ?? '', by: c.decided_by, at: c.decided_at } : null,
      refund: r ? { id: r.id, refundNo: r.refund_no, amountFen: r.amount_fen, status: r.status, completedAt: r.completed_at } : null,
      /** When the buyer may take a case the supplier has not answered to the center. */
      buyerMayEscalateAt: c.status === 'requested' ? new Date(Date.parse(c.created_at) + hours * HOUR_MS).toISOString()
        : c.status === 'return_shipped' && c.return_shipped_at ? new Date(Date.parse(c.return_shipped_at) + hours * HOUR_MS).toISOString()
          : c.status === 'rejected' ? c.updated_at : null,
      createdAt: c.created_at, supplierAnsweredAt: c.supplier_answered_at, refundedAt: c.refunded_at, closedAt: c.closed_at, updatedAt: c.updated_at,
    };
  });
}

async function viewOf(ctx: Ctx, caseId: string) {
  const c = await ctx.db.selectFrom('aftersales_case').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
  return (await caseViews(ctx, [c]))[0]!;
}

export async function getCase(ctx: Ctx, caseId: string) {
  const c = await loadCase(ctx, caseId, 'read');
  return (await caseViews(ctx, [c]))[0]!;
}

export interface CaseListQuery {
  /** 'mine' (cases I opened as a buyer, the default) or 'handle' (as supplier, center or official). */
  view?: 'mine' | 'handle' | undefined;
  status?: CaseStatus | undefined;
  orderId?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

export async function listCases(ctx: Ctx, q: CaseListQuery) {
  const cursor = decodeCursor(q.cursor);
  let query = ctx.db.selectFrom('aftersales_case').selectAll();
  if ((q.view ?? 'mine') === 'mine') {
    query = query.where('buyer_id', '=', ctx.actor!.userId);
  } else {
    const prefixes = scopePrefixes(ctx.actor, COUNTY_READERS);
    const own = supplierIdsOf(ctx.actor);
    if (!prefixes.length && !own.length) throw new AppError(403, 'forbidden', 'Only suppliers and the center handle after-sales cases');
    query = query.where((eb) => withinScope(eb, 'county_code', prefixes, { column: 'supplier_id', ids: own }));
  }
  if (q.status) query = query.where('status', '=', q.status);
  if (q.orderId) query = query.where('order_id', '=', q.orderId);
  if (cursor) query = query.where('id', '<', cursor);
  const rows = await query.orderBy('id', 'desc').limit(q.limit + 1).execute();
  const page = toPage(rows, q.limit, (r) => r);
  return { items: await caseViews(ctx, page.items), nextCursor: page.nextCursor };
}

// ---- photos -------------------------------------------------------------------------------------

/**
 * Stores a buyer's photo for a case still to be opened. The type is decided by the bytes. The
 * file is kept with the private purpose 'licence_scan' (served only through access-checked
 * routes, never cached publicly) because SQLite cannot alter stored_file's purpose CHECK; the
 * aftersales_photo row says what it really is and who may claim it.
 */
export async function uploadPhoto(ctx: Ctx, data: Buffer) {
  const detected = (await fileTypeFromBuffer(data))?.mime;
  if (!detected || !PHOTO_TYPES.includes(detected)) {
    throw new AppError(415, 'unsupported_file_type', `A photo must be one of: ${PHOTO_TYPES.join(', ')}`, [{ pointer: '/body/file', detail: `detected ${detected ?? 'unknown'}` }]);
  }
  const me = ctx.actor!.userId;
  const waiting = await ctx.db.selectFrom('aftersales_photo').select((eb) => eb.fn.countAll<number>().as('n')).where('uploaded_by', '=', me).where('case_id', 'is', null).executeTakeFirstOrThrow();
  if (Number(waiting.n) >= MAX_UNCLAIMED_PHOTOS) throw new AppError(409, 'too_many_photos', 'Too many photos not attached to a case yet; open the case first');
  const file = await putFile(ctx.deps, data, 'licence_scan');
  return inTransactionKeepingFile(ctx, file, async (tx) => {
    const fileId = await recordReceivedFile(tx, file, 'licence_scan', null);
    await tx.db.insertInto('aftersales_photo').values({ file_id: fileId, uploaded_by: me, case_id: null, created_at: nowIso() }).execute();
    return { id: fileId, contentType: detected };
  });
}

export async function sendPhoto(ctx: Ctx, reply: FastifyReply, caseId: string, fileId: string) {
  const c = await loadCase(ctx, caseId, 'read');
  const p = await ctx.db.selectFrom('aftersales_photo').select('file_id').where('case_id', '=', c.id).where('file_id', '=', fileId).executeTakeFirst();
  if (!p) throw notFound('Photo');
  return sendFile(ctx, reply, p.file_id, 'licence_scan');
}

// ---- opening a case -----------------------------------------------------------------------------

export interface OpenCaseInput {
  orderId: string;
  kind: Exclude<CaseKind, 'cancel'>;
  reasonCode: ReasonCode;
  reasonText?: string | undefined;
  items: { orderItemId: string; quantity: number }[];
  amountFen: number;
  photoIds?: string[] | undefined;
}

const isQuality = (r: string) => (QUALITY_REASONS as readonly string[]).includes(r);

/**
 * A buyer opens a case on its own paid, shipped, delivered or completed order. The rules, per
 * line: before delivery only a refund for non-arrival; a perishable ('quality_only') line only a
 * quality complaint with at least one photo within 48 h of delivery; a no-reason return only on
 * a 'seven_day' line within 7 days of delivery. The amount asked is at most what was paid for
 * those lines less what earlier refunds on them gave back, and at most what is left of the order.
 */
export async function openCase(ctx: Ctx, input: OpenCaseInput) {
  const me = ctx.actor!.userId;
  const photoIds = [...new Set(input.photoIds ?? [])];
  if (photoIds.length > MAX_PHOTOS) throw invalid('/body/photoIds', `At most ${MAX_PHOTOS} photos`, 'too_many_photos');
  if ((input.reasonCode as string) === 'buyer_cancelled') throw invalid('/body/reasonCode', 'To cancel an order not shipped yet, cancel the order', 'use_cancel');
  const seen = new Set<string>();
  input.items.forEach((l, i) => {
    if (seen.has(l.orderItemId)) throw invalid(`/body/items/${i}/orderItemId`, 'This line is listed twice', 'duplicate_line');
    seen.add(l.orderItemId);
  });

  try {
    const caseId = await inTransaction(ctx, async (tx) => {
      // The order row first: a cancellation racing this request must see the case, or this the cancellation.
      await lockRow(tx.db, 'shop_order', input.orderId);
      const order = await tx.db.selectFrom('shop_order').selectAll().where('id', '=', input.orderId).where('buyer_id', '=', me).executeTakeFirst();
      if (!order) throw notFound('Order');
      if (!REFUNDABLE.includes(order.status)) {
        throw new AppError(409, 'order_not_refundable', `An order that is ${order.status} takes no after-sales request`, [], { status: order.status });
      }
      const open = await tx.db.selectFrom('aftersales_case').select('id').where('order_id', '=', order.id).where('status', 'in', OPEN_STATUSES).executeTakeFirst();
      if (open) throw new AppError(409, 'aftersales_open', 'This order already has an open after-sales case', [], { caseId: open.id });

      const lines = await tx.db.selectFrom('order_item').selectAll().where('order_id', '=', order.id).execute();
      const now = Date.now();
      const deliveredAt = order.delivered_at ? Date.parse(order.delivered_at) : null;
      const chosen = input.items.map((l, i) => {
        const line = lines.find((x) => x.id === l.orderItemId);
        if (!line) throw invalid(`/body/items/${i}/orderItemId`, 'Not a line of this order', 'unknown_line');
        if (l.quantity > line.quantity) throw invalid(`/body/items/${i}/quantity`, `Only ${line.quantity} were bought`, 'quantity_too_large');
        return { ...l, line, pointer: `/body/items/${i}` };
      });

      for (const { line, pointer } of chosen) {
        if (deliveredAt === null) {
          // Not delivered yet: the one thing to ask is the money back for what has not arrived.
          if (input.kind !== 'refund_only' || input.reasonCode !== 'not_received') {
            throw new AppError(422, 'not_delivered_yet', 'The order has not been delivered yet: only a refund for goods that did not arrive can be asked', [{ pointer: '/body/reasonCode', detail: 'not delivered yet', code: 'not_delivered_yet' }]);
          }
          continue;
        }
        if (input.reasonCode === 'not_received') {
          throw new AppError(422, 'already_delivered', 'The order was delivered; describe what is wrong with the goods', [{ pointer: '/body/reasonCode', detail: 'delivered', code: 'already_delivered' }]);
        }
        if (line.returns_policy === 'quality_only') {
          if (!isQuality(input.reasonCode)) {
            throw new AppError(422, 'perishable_quality_only', `${line.title} is fresh produce: it is exempt from no-reason returns; only quality complaints are accepted`, [{ pointer: '/body/reasonCode', detail: 'quality complaints only', code: 'perishable_quality_only' }], { orderItemId: line.id });
          }
          if (photoIds.length === 0) {
            throw new AppError(422, 'photo_required', `A complaint about ${line.title} needs at least one photo`, [{ pointer: '/body/photoIds', detail: 'at least one photo', code: 'photo_required' }]);
          }
          if (now - deliveredAt > PERISHABLE_WINDOW_MS) {
            throw new AppError(422, 'complaint_window_closed', `Quality complaints about ${line.title} are taken within 48 hours of delivery`, [{ pointer, detail: 'more than 48 h after delivery', code: 'complaint_window_closed' }], { deliveredAt: order.delivered_at });
          }
        } else if (input.reasonCode === 'no_reason') {
          if (input.kind !== 'return_and_refund') {
            throw new AppError(422, 'no_reason_needs_return', 'A no-reason refund means sending the goods back: choose return and refund', [{ pointer: '/body/kind', detail: 'return_and_refund', code: 'no_reason_needs_return' }]);
          }
          if (now - deliveredAt > NO_REASON_WINDOW_MS) {
            throw new AppError(422, 'return_window_closed', 'No-reason returns are taken within 7 days of delivery', [{ pointer, detail: 'more than 7 days after delivery', code: 'return_window_closed' }], { deliveredAt: order.delivered_at });
          }
        }
      }

      // What earlier refunds gave back on these lines. A case's refund is one amount over its
      // lines, so it counts in full against any line it touched: never too much, at worst a little
      // too strict when a later case shares only some of an earlier case's lines.
      const lineIds = chosen.map((c) => c.line.id);
      const earlier = await tx.db.selectFrom('aftersales_case').innerJoin('aftersales_case_item', 'aftersales_case_item.case_id', 'aftersales_case.id')
        .select(['aftersales_case.id', 'aftersales_case.kind', 'aftersales_case.approved_fen', 'aftersales_case.return_received_at', 'aftersales_case_item.order_item_id', 'aftersales_case_item.quantity'])
        .where('aftersales_case.order_id', '=', order.id).where('aftersales_case.status', '=', 'refunded').execute();
      const refundedOnLines = [...new Map(earlier.filter((e) => lineIds.includes(e.order_item_id)).map((e) => [e.id, e.approved_fen ?? 0])).values()].reduce((s, x) => s + x, 0);
      if (input.kind === 'return_and_refund') {
        for (const { line, quantity, pointer } of chosen) {
          const returned = earlier.filter((e) => e.order_item_id === line.id && e.return_received_at).reduce((s, e) => s + e.quantity, 0);
          if (quantity > line.quantity - returned) throw invalid(`${pointer}/quantity`, `Only ${line.quantity - returned} of ${line.title} are left to return`, 'quantity_too_large');
        }
      }
      const linesFen = chosen.reduce((s, c) => s + c.line.unit_price_fen * c.quantity, 0);
      const maxFen = Math.max(0, Math.min(linesFen - refundedOnLines, order.total_fen - order.refunded_fen));
      if (input.amountFen > maxFen) {
        throw new AppError(422, 'amount_too_large', `At most ${maxFen} fen can be asked back for these lines`, [{ pointer: '/body/amountFen', detail: `at most ${maxFen}`, code: 'amount_too_large' }], { maxFen });
      }

      const id = newId('aftersalesCase');
      const at = nowIso();
      await tx.db.insertInto('aftersales_case').values({
        id, case_no: caseNo(), order_id: order.id, buyer_id: me, supplier_id: order.supplier_id, county_code: order.county_code, kind: input.kind,
        status: 'requested', reason_code: input.reasonCode, reason_text: input.reasonText ?? '', requested_fen: input.amountFen, approved_fen: null,
        refund_id: null, reject_reason: null, return_carrier: null, return_tracking_no: null, escalated_by: null, escalation_note: null,
        decision: null, decision_note: null, decided_by: null, created_at: at, supplier_answered_at: null, return_shipped_at: null,
        return_received_at: null, escalated_at: null, decided_at: null, refunded_at: null, closed_at: null, updated_at: at,
      }).execute();
      await tx.db.insertInto('aftersales_case_item').values(chosen.map((c) => ({ case_id: id, order_item_id: c.line.id, quantity: c.quantity }))).execute();
      if (photoIds.length) {
        // Claim the buyer's own unclaimed photos; one that is not (someone else's, or used) fails the case.
        const res = await tx.db.updateTable('aftersales_photo').set({ case_id: id })
          .where('file_id', 'in', photoIds).where('uploaded_by', '=', me).where('case_id', 'is', null).executeTakeFirst();
        if (Number(res.numUpdatedRows) !== photoIds.length) throw invalid('/body/photoIds', 'Upload the photos first; each photo belongs to one case', 'unknown_photo');
        await tx.db.updateTable('stored_file').set({ county_code: order.county_code }).where('id', 'in', photoIds).execute();
      }
      await recordAudit(tx, {
        action: 'aftersales.opened', targetType: 'aftersales_case', targetId: id, countyCode: order.county_code,
        detail: { orderId: order.id, kind: input.kind, reasonCode: input.reasonCode, amountFen: input.amountFen, photos: photoIds.length },
      });
      return id;
    });
    return await viewOf(ctx, caseId);
  } catch (err) {
    // Two requests racing to open a case on one order: the partial unique index lets one in.
    if (isUniqueViolation(err)) throw new AppError(409, 'aftersales_open', 'This order already has an open after-sales case');
    throw err;
  }
}

// ---- refunds ------------------------------------------------------------------------------------

interface RefundStarted {
  refundId: string;
  refundNo: string;
  amountFen: number;
  paymentNo: string;
  transactionId: string | null;
  checkoutTotalFen: number;
  checkoutProvider: string | null;
}

/**
 * Books a refund of `amountFen` on the case's order, inside the caller's transaction (which has
 * already moved the case, so a replayed or concurrent decision never gets here twice):
 * 1. `refunded_fen = refunded_fen + :x` only `WHERE refunded_fen + :x <= total_fen` and the order
 *    is in one of `statuses`: nothing is ever refunded beyond what was paid, whatever the race;
 * 2. a `payment_refund` row (out_refund_no `R` + case number), settled later by the provider's
 *    notification (orders' handlePaymentEvent);
 * 3. the commission reversal (when commission was accrued) and `refundDecided` in the ledger;
 * 4. the order to `closed` when it is now refunded in full.
 * The provider is called after commit (startProviderRefund).
 */
async function bookRefund(tx: Ctx, c: AftersalesCaseTable, refundId: string, amountFen: number, statuses: readonly OrderStatus[], reason: string): Promise<RefundStarted> {
  const now = nowIso();
  const order = await tx.db.updateTable('shop_order')
    .set((eb) => ({ refunded_fen: eb('refunded_fen', '+', amountFen), updated_at: now }))
    .where('id', '=', c.order_id).where('status', 'in', statuses)
    .where((eb) => eb(eb('refunded_fen', '+', amountFen), '<=', eb.ref('total_fen')))
    .returningAll().executeTakeFirst();
  if (!order) {
    const current = await tx.db.selectFrom('shop_order').select(['status', 'total_fen', 'refunded_fen']).where('id', '=', c.order_id).executeTakeFirstOrThrow();
    if (!statuses.includes(current.status)) throw new AppError(409, 'order_not_refundable', `The order is ${current.status} now`, [], { status: current.status });
    throw new AppError(409, 'refund_exceeds_total', `Only ${current.total_fen - current.refunded_fen} fen of this order is left to refund`, [], { leftFen: current.total_fen - current.refunded_fen });
  }
  const checkout = await tx.db.selectFrom('checkout').select(['payment_no', 'transaction_id', 'total_fen', 'provider']).where('id', '=', order.checkout_id).executeTakeFirstOrThrow();
  const refundNo = refundNoFor(c);
  await tx.db.insertInto('payment_refund').values({
    id: refundId, refund_no: refundNo, checkout_id: order.checkout_id, order_id: order.id, county_code: order.county_code, amount_fen: amountFen,
    reason, status: 'pending', provider_refund_id: null, created_at: now, completed_at: null,
  }).execute();

  const reversal = await commissionReversal(tx, { countyCode: order.county_code, orderId: order.id, supplierId: order.supplier_id, refundId, amountFen, totalFen: order.total_fen, final: order.refunded_fen === order.total_fen });
  if (reversal) await postEntry(tx, reversal);
  await postEntry(tx, refundDecided({ countyCode: order.county_code, refundId, orderId: order.id, supplierId: order.supplier_id, amountFen }));
  if (order.refunded_fen === order.total_fen) {
    // The status is the one before this refund: the update above did not change it.
    await transitionOrder(tx, order, 'closed', {}, { refundId, caseId: c.id });
    if (order.status === 'paid') {
      // Refunded in full before it shipped: nothing left the warehouse, so the stock and the
      // buyer's purchase-limit counts go back (a closed order can never ship them).
      // In SKU id order, as every writer of stock locks SKU rows (no deadlock with a checkout).
      const items = await tx.db.selectFrom('order_item').select(['sku_id', 'quantity']).where('order_id', '=', order.id).orderBy('sku_id').execute();
      for (const it of items) {
        await changeStockAsSystem(tx, it.sku_id, it.quantity, `refunded:${order.id}`);
        await tx.db.updateTable('buyer_sku_purchase').set((eb) => ({ quantity: eb('quantity', '-', it.quantity) }))
          .where('user_id', '=', order.buyer_id).where('sku_id', '=', it.sku_id).where('quantity', '>=', it.quantity).execute();
      }
    }
  }
  await recordAudit(tx, { action: 'refund.decided', targetType: 'refund', targetId: refundId, countyCode: order.county_code, detail: { caseId: c.id, orderId: order.id, amountFen, refundNo } });
  return { refundId, refundNo, amountFen, paymentNo: checkout.payment_no, transactionId: checkout.transaction_id, checkoutTotalFen: checkout.total_fen, checkoutProvider: checkout.provider };
}

/**
 * Reverses, for a refund, the matching share of the commission and service fee accrued on the
 * order (ledger key `commission:<orderId>`): each credit line of that entry reversed by
 * round(line × refund / order total), capped by what earlier reversals left, and exactly what
 * is left when the order is now refunded in full, so the reversals of an order always add up to
 * its commission. The entry has the shape `commissionAccrued({ reverse })` posts (kind
 * 'commission', ref the order, key `commission-reversal:<refundId>`); it is built from the
 * accrued postings rather than through commissionAccrued because a partial refund needs exact
 * per-account amounts that a pledge's basis-point re-split could miss by a fen.
 * Returns null when no commission was accrued (or nothing is left to reverse).
 */
async function commissionReversal(tx: Ctx, e: { countyCode: string; orderId: string; supplierId: string; refundId: string; amountFen: number; totalFen: number; final: boolean }): Promise<EntryInput | null> {
  const accrued = await tx.db.selectFrom('ledger_entry').select('id')
    .where('county_code', '=', e.countyCode).where('idempotency_key', '=', `commission:${e.orderId}`).executeTakeFirst();
  if (!accrued) return null;
  const postings = await tx.db.selectFrom('ledger_posting').innerJoin('ledger_account', 'ledger_account.id', 'ledger_posting.account_id')
    .innerJoin('ledger_entry', 'ledger_entry.id', 'ledger_posting.entry_id')
    .select(['ledger_posting.account_id', 'ledger_posting.amount_fen', 'ledger_account.kind', 'ledger_account.party_id', 'ledger_entry.idempotency_key'])
    .where('ledger_entry.county_code', '=', e.countyCode).where('ledger_entry.ref_type', '=', 'order').where('ledger_entry.ref_id', '=', e.orderId)
    .where('ledger_entry.kind', '=', 'commission').execute();
  const original = postings.filter((p) => p.idempotency_key === `commission:${e.orderId}` && p.amount_fen < 0);
  const lines: LineInput[] = [];
  for (const p of original) {
    const reversedSoFar = postings.filter((x) => x.account_id === p.account_id && x.idempotency_key?.startsWith('commission-reversal:')).reduce((s, x) => s + x.amount_fen, 0);
    const left = -p.amount_fen - reversedSoFar;
    const share = e.final ? left : Math.min(left, Math.round((-p.amount_fen * e.amountFen) / e.totalFen));
    if (share > 0) lines.push({ account: { kind: p.kind as AccountKind, ...(p.party_id ? { partyId: p.party_id } : {}) }, amountFen: share });
  }
  const total = lines.reduce((s, l) => s + l.amountFen, 0);
  if (total === 0) return null;
  return {
    countyCode: e.countyCode, kind: 'commission', refType: 'order', refId: e.orderId, idempotencyKey: `commission-reversal:${e.refundId}`,
    memo: `reversal for refund ${e.refundId}`,
    lines: [{ account: { kind: 'supplier_payable', partyId: e.supplierId }, amountFen: -total }, ...lines],
  };
}

/**
 * Asks the provider that took the money to give it back, after commit. A refusal or an outage
 * leaves the payment_refund row pending (the books already owe it to the buyer, in
 * refund_clearing); retryPendingRefunds asks again with the same out_refund_no, which both
 * WeChat and the sandbox treat as the same refund.
 */
async function startProviderRefund(deps: Deps, r: RefundStarted, reason: string): Promise<void> {
  const { provider } = paymentsFor(deps);
  if (r.checkoutProvider && r.checkoutProvider !== provider.name) {
    deps.log.error({ refundNo: r.refundNo, tookMoney: r.checkoutProvider, configured: provider.name }, 'refund left pending: the payment was taken by another provider');
    return;
  }
  try {
    await provider.startRefund({
      outRefundNo: r.refundNo, outTradeNo: r.paymentNo, ...(r.transactionId ? { transactionId: r.transactionId } : {}),
      refundFen: r.amountFen, totalFen: r.checkoutTotalFen, reason: reason.slice(0, 80),
      notifyUrl: `${deps.config.publicUrl}/api/v1/payments/notify/${provider.name}`,
    });
  } catch (err) {
    deps.log.warn({ err, refundNo: r.refundNo }, 'refund not started at the provider; it stays pending and will be retried');
  }
}

/** Starts again, at the provider, the after-sales refunds still pending after `olderThanMs`. */
export async function retryPendingRefunds(deps: Deps, olderThanMs = 5 * 60_000): Promise<number> {
  const before = new Date(Date.now() - olderThanMs).toISOString();
  const rows = await deps.db.selectFrom('payment_refund').innerJoin('aftersales_case', 'aftersales_case.refund_id', 'payment_refund.id')
    .innerJoin('checkout', 'checkout.id', 'payment_refund.checkout_id')
    .select(['payment_refund.id', 'payment_refund.refund_no', 'payment_refund.amount_fen', 'payment_refund.reason', 'checkout.payment_no', 'checkout.transaction_id', 'checkout.total_fen', 'checkout.provider'])
    .where('payment_refund.status', '=', 'pending').where('payment_refund.created_at', '<=', before).limit(100).execute();
  for (const r of rows) {
    await startProviderRefund(deps, {
      refundId: r.id, refundNo: r.refund_no, amountFen: r.amount_fen, paymentNo: r.payment_no, transactionId: r.transaction_id,
      checkoutTotalFen: r.total_fen, checkoutProvider: r.provider,
    }, r.reason);
  }
  return rows.length;
}

// ---- the buyer cancels an order not shipped yet ------------------------------------------------

/**
 * A paid order not shipped yet, cancelled by its buyer: refunded in full at once (no supplier
 * approval), its stock and purchase-limit counts given back, recorded as a case of kind
 * 'cancel' that is born refunded. The refund's conditional update requires the order to be
 * still `paid`, so a cancel racing the supplier's shipment either wins or is refused.
 */
export async function cancelOrder(ctx: Ctx, orderId: string, reasonText = '') {
  const me = ctx.actor!.userId;
  let done: { caseId: string; started: RefundStarted };
  try {
    done = await inTransaction(ctx, async (tx) => {
      // The order row first, as openCase: an open request makes this a 409, never a closed order with a live case.
      await lockRow(tx.db, 'shop_order', orderId);
      const order = await tx.db.selectFrom('shop_order').selectAll().where('id', '=', orderId).where('buyer_id', '=', me).executeTakeFirst();
      if (!order) throw notFound('Order');
      if (order.status !== 'paid') {
        throw new AppError(409, 'invalid_transition', order.status === 'pending_payment' ? 'This order is not paid; cancel the checkout instead'
          : REFUNDABLE.includes(order.status) ? 'This order has shipped; ask for a refund instead' : `An order that is ${order.status} cannot be cancelled`, [], { from: order.status, to: 'closed' });
      }
      const open = await tx.db.selectFrom('aftersales_case').select('id').where('order_id', '=', order.id).where('status', 'in', OPEN_STATUSES).executeTakeFirst();
      if (open) throw new AppError(409, 'aftersales_open', 'This order has an open after-sales case; withdraw it first', [], { caseId: open.id });
      const amountFen = order.total_fen - order.refunded_fen;
      const items = await tx.db.selectFrom('order_item').select(['id', 'sku_id', 'quantity']).where('order_id', '=', order.id).orderBy('id').execute();
      const id = newId('aftersalesCase');
      const refundId = newId('paymentRefund');
      const at = nowIso();
      const c: AftersalesCaseTable = {
        id, case_no: caseNo(), order_id: order.id, buyer_id: me, supplier_id: order.supplier_id, county_code: order.county_code, kind: 'cancel',
        status: 'refunded', reason_code: 'buyer_cancelled', reason_text: reasonText, requested_fen: amountFen, approved_fen: amountFen,
        refund_id: refundId, reject_reason: null, return_carrier: null, return_tracking_no: null, escalated_by: null, escalation_note: null,
        decision: null, decision_note: null, decided_by: null, created_at: at, supplier_answered_at: null, return_shipped_at: null,
        return_received_at: null, escalated_at: null, decided_at: null, refunded_at: at, closed_at: null, updated_at: at,
      };
      await tx.db.insertInto('aftersales_case').values(c).execute();
      await tx.db.insertInto('aftersales_case_item').values(items.map((i) => ({ case_id: id, order_item_id: i.id, quantity: i.quantity }))).execute();
      // A full refund of a paid order: bookRefund closes it and gives the stock and limits back.
      const started = await bookRefund(tx, c, refundId, amountFen, ['paid'], '买家取消订单，原路退款');
      await recordAudit(tx, { action: 'aftersales.cancelled', targetType: 'aftersales_case', targetId: id, countyCode: order.county_code, detail: { orderId: order.id, amountFen } });
      return { caseId: id, started };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError(409, 'concurrent_change', 'The order changed just now; reload and try again');
    throw err;
  }
  await startProviderRefund(ctx.deps, done.started, '买家取消订单，原路退款');
  return viewOf(ctx, done.caseId);
}

// ---- supplier -----------------------------------------------------------------------------------

/**
 * The supplier approves, in full or in part (≤ what was asked). A refund-only case is refunded
 * at once; a return waits for the goods (the amount is fixed now, paid on receipt).
 */
export async function approveCase(ctx: Ctx, caseId: string, input: { amountFen?: number | undefined }) {
  const c = await loadCase(ctx, caseId, 'supplier');
  assertAction(c, 'approve');
  const amountFen = input.amountFen ?? c.requested_fen;
  if (amountFen > c.requested_fen) throw new AppError(422, 'amount_too_large', `At most the ${c.requested_fen} fen asked`, [{ pointer: '/body/amountFen', detail: `at most ${c.requested_fen}`, code: 'amount_too_large' }]);
  const now = nowIso();
  if (c.kind === 'return_and_refund') {
    await inTransaction(ctx, async (tx) => {
      await moveCase(tx, c, 'awaiting_return', { approved_fen: amountFen, supplier_answered_at: now });
      await recordAudit(tx, { action: 'aftersales.approved', targetType: 'aftersales_case', targetId: c.id, countyCode: c.county_code, detail: { amountFen, awaitingReturn: true } });
    });
    return viewOf(ctx, c.id);
  }
  return refundCase(ctx, c, 'refunded', amountFen, { supplier_answered_at: now }, 'aftersales.approved', {});
}

export async function rejectCase(ctx: Ctx, caseId: string, input: { reason: string }) {
  const c = await loadCase(ctx, caseId, 'supplier');
  assertAction(c, 'reject');
  await inTransaction(ctx, async (tx) => {
    await moveCase(tx, c, 'rejected', { reject_reason: input.reason, supplier_answered_at: nowIso() });
    await recordAudit(tx, { action: 'aftersales.rejected', targetType: 'aftersales_case', targetId: c.id, countyCode: c.county_code, detail: { reason: input.reason } });
  });
  return viewOf(ctx, c.id);
}

/** The supplier has the returned goods: they go back into stock, and the approved amount is refunded. */
export async function receiveReturn(ctx: Ctx, caseId: string) {
  const c = await loadCase(ctx, caseId, 'supplier');
  assertAction(c, 'receive_return');
  return refundCase(ctx, c, 'refunded', c.approved_fen ?? c.requested_fen, { return_received_at: nowIso() }, 'aftersales.return_received', {}, async (tx) => {
    const items = await tx.db.selectFrom('aftersales_case_item').innerJoin('order_item', 'order_item.id', 'aftersales_case_item.order_item_id')
      .select(['order_item.sku_id', 'aftersales_case_item.quantity']).where('aftersales_case_item.case_id', '=', c.id).orderBy('order_item.sku_id').execute();
    for (const it of items) await changeStockAsSystem(tx, it.sku_id, it.quantity, `returned:${c.id}`);
  });
}

/** Moves the case to refunded and books the refund in one transaction; the provider is asked after commit. */
async function refundCase(
  ctx: Ctx, c: AftersalesCaseTable, to: 'refunded', amountFen: number, set: Partial<AftersalesCaseTable>, action: string,
  detail: Record<string, unknown>, also?: (tx: Ctx) => Promise<void>,
) {
  const refundId = newId('paymentRefund');
  const reason = c.kind === 'return_and_refund' ? '退货退款' : '售后退款';
  const started = await inTransaction(ctx, async (tx) => {
    const moved = await moveCase(tx, c, to, { ...set, approved_fen: amountFen, refund_id: refundId, refunded_at: nowIso() });
    if (also) await also(tx);
    const r = await bookRefund(tx, moved, refundId, amountFen, REFUNDABLE, reason);
    await recordAudit(tx, { action, targetType: 'aftersales_case', targetId: c.id, countyCode: c.county_code, detail: { ...detail, amountFen, refundId } });
    return r;
  });
  await startProviderRefund(ctx.deps, started, reason);
  return viewOf(ctx, c.id);
}

// ---- buyer --------------------------------------------------------------------------------------

export async function shipReturn(ctx: Ctx, caseId: string, input: { carrier: string; trackingNo: string }) {
  const c = await loadCase(ctx, caseId, 'buyer');
  assertAction(c, 'ship_return');
  await inTransaction(ctx, async (tx) => {
    await moveCase(tx, c, 'return_shipped', { return_carrier: input.carrier, return_tracking_no: input.trackingNo, return_shipped_at: nowIso() });
    await recordAudit(tx, { action: 'aftersales.return_shipped', targetType: 'aftersales_case', targetId: c.id, countyCode: c.county_code, detail: { ...input } });
  });
  return viewOf(ctx, c.id);
}

export async function withdrawCase(ctx: Ctx, caseId: string) {
  const c = await loadCase(ctx, caseId, 'buyer');
  assertAction(c, 'withdraw');
  await inTransaction(ctx, async (tx) => {
    await moveCase(tx, c, 'withdrawn', { closed_at: nowIso() });
    await recordAudit(tx, { action: 'aftersales.withdrawn', targetType: 'aftersales_case', targetId: c.id, countyCode: c.county_code });
  });
  return viewOf(ctx, c.id);
}

// ---- escalation and the center's decision ------------------------------------------------------

/**
 * Either side takes the case to the center. The buyer: after a rejection, or when the supplier
 * has not answered (or not confirmed a shipped return) within AFTERSALES_ESCALATE_HOURS. The
 * supplier: instead of deciding itself, or over a shipped return it disputes.
 */
export async function escalateCase(ctx: Ctx, caseId: string, input: { note?: string | undefined }) {
  const c = await loadCase(ctx, caseId, 'read');
  const side = c.buyer_id === ctx.actor?.userId ? 'buyer' : supplierIdsOf(ctx.actor).includes(c.supplier_id) ? 'supplier' : null;
  if (!side) throw notFound('After-sales case');
  assertAction(c, 'escalate');
  if (side === 'buyer') {
    const since = c.status === 'requested' ? c.created_at : c.status === 'return_shipped' ? c.return_shipped_at : null;
    if (since) {
      const at = Date.parse(since) + ctx.deps.config.aftersalesEscalateHours * HOUR_MS;
      if (Date.now() < at) {
        throw new AppError(409, 'too_early_to_escalate', `The supplier has ${ctx.deps.config.aftersalesEscalateHours} hours to answer; you may ask the center after that`, [], { escalableAt: new Date(at).toISOString() });
      }
    }
  } else if (c.status === 'rejected') {
    throw new AppError(409, 'invalid_transition', 'You rejected this case; the buyer may take it to the center', [], { from: c.status, to: 'escalated' });
  }
  await inTransaction(ctx, async (tx) => {
    await moveCase(tx, c, 'escalated', { escalated_by: side, escalation_note: input.note ?? '', escalated_at: nowIso() });
    await recordAudit(tx, { action: 'aftersales.escalated', targetType: 'aftersales_case', targetId: c.id, countyCode: c.county_code, detail: { by: side, note: input.note ?? '' } });
  });
  return viewOf(ctx, c.id);
}

/**
 * The center of the case's county decides an escalated case; the decision is final (refunded
 * or closed, both with no way out) and logged in the audit. A refund is at most what was asked.
 */
export async function decideCase(ctx: Ctx, caseId: string, input: { outcome: 'refund' | 'reject'; amountFen?: number | undefined; note: string }) {
  const c = await loadCase(ctx, caseId, 'center');
  assertAction(c, 'decide');
  const now = nowIso();
  const decided = { decision: input.outcome, decision_note: input.note, decided_by: ctx.actor!.userId, decided_at: now } as const;
  if (input.outcome === 'reject') {
    await inTransaction(ctx, async (tx) => {
      await moveCase(tx, c, 'closed', { ...decided, closed_at: now });
      await recordAudit(tx, { action: 'aftersales.center_decided', targetType: 'aftersales_case', targetId: c.id, countyCode: c.county_code, detail: { outcome: 'reject', note: input.note } });
    });
    return viewOf(ctx, c.id);
  }
  const amountFen = input.amountFen ?? c.approved_fen ?? c.requested_fen;
  if (amountFen > c.requested_fen) throw new AppError(422, 'amount_too_large', `At most the ${c.requested_fen} fen asked`, [{ pointer: '/body/amountFen', detail: `at most ${c.requested_fen}`, code: 'amount_too_large' }]);
  return refundCase(ctx, c, 'refunded', amountFen, decided, 'aftersales.center_decided', { outcome: 'refund', note: input.note });
}
