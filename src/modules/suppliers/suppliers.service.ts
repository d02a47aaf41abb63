import { sql } from 'kysely';
import type { Ctx } from '../../context.js';
import { inTransaction } from '../../context.js';
import { AppError, forbidden, invalid, notFound } from '../../platform/http/errors.js';
import { type Role, inScope, scopePrefixes, supplierIdsOf } from '../../platform/http/access.js';
import { decodeCursor, toPage } from '../../platform/http/pagination.js';
import { withinScope } from '../../platform/db/scope.js';
import { newId } from '../../platform/ids.js';
import { maskAccount, maskPhone } from '../../platform/mask.js';
import { addDays, bizDate, nowIso } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import { notify } from '../notifications/index.js';
import { requireRegionInCounty, regionLabel } from '../regions/index.js';
import { inTransactionKeepingFile, putFile, readUpload, recordReceivedFile, sendFile } from '../files/index.js';
import { LICENCE_LABELS, LICENCE_TRANSITIONS, checkLicenceNumber } from './licence-rules.js';
import type { LicenceKind, LicenceStatus, LicenceTable, SupplierTable, SupplierType } from './suppliers.tables.js';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Center staff who manage suppliers inside their counties. */
export const CENTER_ROLES: readonly Role[] = ['center_admin', 'operator'];
/** Who may read supplier records of a county. */
const READ_ROLES: readonly Role[] = ['center_admin', 'operator', 'official'];

const REMINDER_DAYS = 30;

function isOwner(ctx: Ctx, supplierId: string): boolean {
  return supplierIdsOf(ctx.actor).includes(supplierId);
}

function isCenterFor(ctx: Ctx, countyCode: string): boolean {
  return inScope(ctx.actor, countyCode, CENTER_ROLES);
}

/** Loads a supplier the actor may see; another county's or supplier's row looks like a missing one. */
async function loadVisibleSupplier(ctx: Ctx, supplierId: string): Promise<SupplierTable> {
  const row = await ctx.db.selectFrom('supplier').selectAll().where('id', '=', supplierId).executeTakeFirst();
  if (!row || !(isOwner(ctx, row.id) || inScope(ctx.actor, row.county_code, READ_ROLES))) throw notFound('Supplier');
  return row;
}

async function loadEditableSupplier(ctx: Ctx, supplierId: string): Promise<SupplierTable> {
  const row = await loadVisibleSupplier(ctx, supplierId);
  if (!isOwner(ctx, row.id) && !isCenterFor(ctx, row.county_code)) throw forbidden('Only the supplier itself or its center can change this');
  return row;
}

/**
 * Contact and payee details in full only for the supplier itself, and for its center when it
 * opens one supplier (an audited read); lists show them masked to everyone else.
 */
export function supplierView(ctx: Ctx, s: SupplierTable, centerSeesFull = false) {
  const full = isOwner(ctx, s.id) || (centerSeesFull && isCenterFor(ctx, s.county_code));
  return {
    id: s.id,
    countyCode: s.county_code,
    type: s.type,
    name: s.name,
    contactName: s.contact_name,
    phone: full ? s.phone : maskPhone(s.phone),
    villageCode: s.village_code,
    villageName: regionLabel(ctx.deps.regions, s.village_code),
    payeeName: s.payee_name,
    payeeAccount: s.payee_account ? (full ? s.payee_account : maskAccount(s.payee_account)) : null,
    payeeBank: s.payee_bank,
    description: s.description,
    story: s.story,
    status: s.status,
    createdAt: s.created_at,
    updatedAt: s.updated_at,
  };
}

export interface SupplierListQuery {
  q?: string | undefined;
  type?: SupplierType | undefined;
  status?: 'active' | 'suspended' | undefined;
  countyCode?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

export async function listSuppliers(ctx: Ctx, query: SupplierListQuery) {
  const cursor = decodeCursor(query.cursor);
  const prefixes = scopePrefixes(ctx.actor, READ_ROLES);
  const own = supplierIdsOf(ctx.actor);
  let q = ctx.db.selectFrom('supplier').selectAll();
  q = q.where((eb) => withinScope(eb, 'county_code', prefixes, { column: 'id', ids: own }));
  if (query.countyCode) q = q.where('county_code', '=', query.countyCode);
  if (query.type) q = q.where('type', '=', query.type);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.q) {
    // SQLite has no default LIKE escape character: name it, or `\%` would not mean a literal %.
    // lower() on both sides: PostgreSQL's LIKE is case-sensitive, SQLite's is not.
    const pattern = `%${escapeLike(query.q.toLowerCase())}%`;
    q = q.where((eb) => eb.or([sql<boolean>`lower(name) like ${pattern} escape '\\'`, sql<boolean>`lower(contact_name) like ${pattern} escape '\\'`]));
  }
  if (cursor) q = q.where('id', '<', cursor);
  const rows = await q.orderBy('id', 'desc').limit(query.limit + 1).execute();
  return toPage(rows, query.limit, (r) => supplierView(ctx, r));
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}

/** `viewAudited`: false when the caller has just written the record itself (create, update). */
export async function getSupplier(ctx: Ctx, supplierId: string, viewAudited = true) {
  const s = await loadVisibleSupplier(ctx, supplierId);
  if (viewAudited && isCenterFor(ctx, s.county_code) && !isOwner(ctx, s.id)) {
    // Staff reading a supplier's full phone and bank account is a sensitive read.
    await recordAudit(ctx, { action: 'supplier.contact_viewed', targetType: 'supplier', targetId: s.id, countyCode: s.county_code });
  }
  const licences = await licenceQuery(ctx).where('licence.supplier_id', '=', s.id).orderBy('licence.id', 'desc').execute();
  return { ...supplierView(ctx, s, true), licences: licences.map((l) => licenceView(ctx, l, s.name)) };
}

export interface SupplierInput {
  countyCode: string;
  type: SupplierType;
  name: string;
  contactName: string;
  phone: string;
  villageCode: string;
  payeeName?: string | undefined;
  payeeAccount?: string | undefined;
  payeeBank?: string | undefined;
  description?: string | undefined;
  story?: string | undefined;
}

async function requireCenterCounty(ctx: Ctx, countyCode: string) {
  const center = await ctx.db.selectFrom('center').select('id').where('county_code', '=', countyCode).executeTakeFirst();
  if (!center) throw invalid('/body/countyCode', `County ${countyCode} is not served by this deployment`, 'unknown_county');
}

export async function createSupplier(ctx: Ctx, input: SupplierInput) {
  await requireCenterCounty(ctx, input.countyCode);
  if (!isCenterFor(ctx, input.countyCode)) throw forbidden('You can only add suppliers in your own counties');
  requireRegionInCounty(ctx.deps.regions, input.villageCode, input.countyCode, '/body/villageCode');
  return inTransaction(ctx, async (tx) => {
    const id = newId('supplier');
    const now = nowIso();
    await tx.db.insertInto('supplier').values({
      id, county_code: input.countyCode, type: input.type, name: input.name, contact_name: input.contactName,
      phone: input.phone, village_code: input.villageCode, payee_name: input.payeeName ?? null,
      payee_account: input.payeeAccount ?? null, payee_bank: input.payeeBank ?? null,
      description: input.description ?? '', story: input.story ?? '', status: 'active', created_at: now, updated_at: now,
    }).execute();
    await recordAudit(tx, { action: 'supplier.created', targetType: 'supplier', targetId: id, countyCode: input.countyCode, detail: { name: input.name, type: input.type } });
    return getSupplier(tx, id, false);
  });
}

export type SupplierPatch = Partial<Omit<SupplierInput, 'countyCode' | 'payeeName' | 'payeeAccount' | 'payeeBank'>> & {
  payeeName?: string | null | undefined;
  payeeAccount?: string | null | undefined;
  payeeBank?: string | null | undefined;
};

export async function updateSupplier(ctx: Ctx, supplierId: string, patch: SupplierPatch) {
  return inTransaction(ctx, async (tx) => {
    const s = await loadEditableSupplier(tx, supplierId);
    const center = isCenterFor(tx, s.county_code);
    if (!center && (patch.type !== undefined || patch.name !== undefined)) {
      throw forbidden('Name and type are changed by the center');
    }
    if (patch.villageCode) requireRegionInCounty(tx.deps.regions, patch.villageCode, s.county_code, '/body/villageCode');
    const set: Partial<SupplierTable> = { updated_at: nowIso() };
    if (patch.type !== undefined) set.type = patch.type;
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.contactName !== undefined) set.contact_name = patch.contactName;
    if (patch.phone !== undefined) set.phone = patch.phone;
    if (patch.villageCode !== undefined) set.village_code = patch.villageCode;
    if (patch.payeeName !== undefined) set.payee_name = patch.payeeName;
    if (patch.payeeAccount !== undefined) set.payee_account = patch.payeeAccount;
    if (patch.payeeBank !== undefined) set.payee_bank = patch.payeeBank;
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.story !== undefined) set.story = patch.story;
    await tx.db.updateTable('supplier').set(set).where('id', '=', s.id).execute();
    const changed = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined);
    await recordAudit(tx, { action: 'supplier.updated', targetType: 'supplier', targetId: s.id, countyCode: s.county_code, detail: { fields: changed } });
    return getSupplier(tx, s.id, false);
  });
}

/**
 * Suspends or reinstates a supplier (center only), with a conditional update so two staff
 * cannot both do it. Taking its products off sale is the caller's part (flows/supplier-status).
 */
export async function setSupplierStatus(ctx: Ctx, supplierId: string, to: 'active' | 'suspended', reason: string) {
  const s = await loadVisibleSupplier(ctx, supplierId);
  if (!isCenterFor(ctx, s.county_code)) throw forbidden('Only the center suspends or reinstates a supplier');
  const from = to === 'suspended' ? 'active' : 'suspended';
  const res = await ctx.db.updateTable('supplier').set({ status: to, updated_at: nowIso() })
    .where('id', '=', s.id).where('status', '=', from).executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new AppError(409, 'invalid_transition', `The supplier is already ${s.status}`, [], { from: s.status, to });
  await recordAudit(ctx, { action: to === 'suspended' ? 'supplier.suspended' : 'supplier.reinstated', targetType: 'supplier', targetId: s.id, countyCode: s.county_code, detail: { reason } });
  await notify(ctx, await supplierUserIds(ctx, s.id), to === 'suspended'
    ? { kind: 'supplier_suspended', title: '店铺已被暂停销售', body: `原因：${reason}。整改后请联系服务中心恢复。`, refId: s.id, countyCode: s.county_code }
    : { kind: 'supplier_reinstated', title: '店铺已恢复', body: '服务中心已恢复您的店铺，商品需重新上架。', refId: s.id, countyCode: s.county_code });
}

// ---- licences -----------------------------------------------------------------------

type LicenceRow = LicenceTable & { scan_content_type?: string | null };

/** Licence rows joined with their scan's content type, so the review page knows image from PDF. */
function licenceQuery(ctx: Ctx) {
  return ctx.db.selectFrom('licence').leftJoin('stored_file', 'stored_file.id', 'licence.image_file_id').selectAll('licence').select('stored_file.content_type as scan_content_type');
}

export function licenceView(ctx: Ctx, l: LicenceRow, supplierName?: string) {
  return {
    id: l.id,
    supplierId: l.supplier_id,
    supplierName: supplierName ?? null,
    countyCode: l.county_code,
    kind: l.kind,
    kindLabel: LICENCE_LABELS[l.kind].zh,
    number: l.number,
    holderName: l.holder_name,
    scope: l.scope,
    issuedOn: l.issued_on,
    expiresOn: l.expires_on,
    status: l.status,
    rejectReason: l.reject_reason,
    hasScan: l.image_file_id !== null,
    scanUrl: l.image_file_id ? `/api/v1/licences/${l.id}/scan` : null,
    scanContentType: l.scan_content_type ?? null,
    reviewedAt: l.reviewed_at,
    createdAt: l.created_at,
    updatedAt: l.updated_at,
    expiringSoon: l.status === 'verified' && l.expires_on <= addDays(bizDate(), REMINDER_DAYS),
  };
}

export interface LicenceInput {
  kind: LicenceKind;
  number: string;
  holderName: string;
  scope?: string | undefined;
  issuedOn: string;
  expiresOn: string;
}

function validateLicence(ctx: Ctx, input: Pick<LicenceInput, 'kind' | 'number' | 'issuedOn' | 'expiresOn'>) {
  const problem = checkLicenceNumber(input.kind, input.number, ctx.deps.regions);
  if (problem) throw new AppError(422, 'validation_failed', problem, [{ pointer: '/body/number', detail: problem, code: 'bad_licence_number' }]);
  if (input.expiresOn <= input.issuedOn) throw invalid('/body/expiresOn', 'The expiry date must be after the issue date');
  if (input.issuedOn > bizDate()) throw invalid('/body/issuedOn', 'The issue date is in the future');
  if (input.expiresOn < bizDate()) throw invalid('/body/expiresOn', 'This licence has already expired; submit the renewed one', 'already_expired');
}

export async function createLicence(ctx: Ctx, supplierId: string, input: LicenceInput) {
  return inTransaction(ctx, async (tx) => {
    const s = await loadEditableSupplier(tx, supplierId);
    validateLicence(tx, input);
    const id = newId('licence');
    const now = nowIso();
    await tx.db.insertInto('licence').values({
      id, supplier_id: s.id, county_code: s.county_code, kind: input.kind, number: input.number,
      holder_name: input.holderName, scope: input.scope ?? '', issued_on: input.issuedOn, expires_on: input.expiresOn,
      status: 'submitted', reject_reason: null, image_file_id: null, submitted_by: tx.actor!.userId,
      reviewed_by: null, reviewed_at: null, reminder_sent_at: null, created_at: now, updated_at: now,
    }).execute();
    await recordAudit(tx, { action: 'licence.submitted', targetType: 'licence', targetId: id, countyCode: s.county_code, detail: { kind: input.kind, number: input.number } });
    const row = await tx.db.selectFrom('licence').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return licenceView(tx, row, s.name);
  });
}

async function loadVisibleLicence(ctx: Ctx, licenceId: string) {
  const l = await ctx.db.selectFrom('licence').selectAll().where('id', '=', licenceId).executeTakeFirst();
  if (!l || !(isOwner(ctx, l.supplier_id) || inScope(ctx.actor, l.county_code, READ_ROLES))) throw notFound('Licence');
  return l;
}

/** Correcting a licence; a rejected one goes back into the review queue. */
export async function updateLicence(ctx: Ctx, licenceId: string, patch: Partial<LicenceInput>) {
  return inTransaction(ctx, async (tx) => {
    const l = await loadVisibleLicence(tx, licenceId);
    if (!isOwner(tx, l.supplier_id) && !isCenterFor(tx, l.county_code)) throw forbidden();
    if (l.status !== 'submitted' && l.status !== 'rejected') {
      throw new AppError(409, 'licence_locked', `A ${l.status} licence cannot be changed; submit a new one`);
    }
    const merged = { kind: patch.kind ?? l.kind, number: patch.number ?? l.number, issuedOn: patch.issuedOn ?? l.issued_on, expiresOn: patch.expiresOn ?? l.expires_on };
    validateLicence(tx, merged);
    const res = await tx.db.updateTable('licence').set({
      kind: merged.kind, number: merged.number, issued_on: merged.issuedOn, expires_on: merged.expiresOn,
      holder_name: patch.holderName ?? l.holder_name, scope: patch.scope ?? l.scope,
      status: 'submitted', reject_reason: null, updated_at: nowIso(),
    }).where('id', '=', l.id).where('status', '=', l.status).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new AppError(409, 'concurrent_change', 'The licence was reviewed while you edited it; reload to see the decision');
    await recordAudit(tx, { action: l.status === 'rejected' ? 'licence.resubmitted' : 'licence.edited', targetType: 'licence', targetId: l.id, countyCode: l.county_code });
    return getLicence(tx, l.id);
  });
}

export async function getLicence(ctx: Ctx, licenceId: string) {
  await loadVisibleLicence(ctx, licenceId);
  const l = await licenceQuery(ctx).where('licence.id', '=', licenceId).executeTakeFirstOrThrow();
  const s = await ctx.db.selectFrom('supplier').select('name').where('id', '=', l.supplier_id).executeTakeFirstOrThrow();
  return licenceView(ctx, l, s.name);
}

export async function listLicences(ctx: Ctx, query: { status?: LicenceStatus | undefined; kind?: LicenceKind | undefined; supplierId?: string | undefined; expiringWithinDays?: number | undefined; cursor?: string | undefined; limit: number }) {
  const cursor = decodeCursor(query.cursor);
  const prefixes = scopePrefixes(ctx.actor, READ_ROLES);
  const own = supplierIdsOf(ctx.actor);
  let q = licenceQuery(ctx).innerJoin('supplier', 'supplier.id', 'licence.supplier_id').select('supplier.name as supplier_name');
  q = q.where((eb) => withinScope(eb, 'licence.county_code', prefixes, { column: 'licence.supplier_id', ids: own }));
  if (query.status) q = q.where('licence.status', '=', query.status);
  if (query.kind) q = q.where('licence.kind', '=', query.kind);
  if (query.supplierId) q = q.where('licence.supplier_id', '=', query.supplierId);
  if (query.expiringWithinDays !== undefined) {
    q = q.where('licence.status', '=', 'verified').where('licence.expires_on', '<=', addDays(bizDate(), query.expiringWithinDays));
  }
  if (cursor) q = q.where('licence.id', '<', cursor);
  const rows = await q.orderBy('licence.id', 'desc').limit(query.limit + 1).execute();
  return toPage(rows, query.limit, (r) => licenceView(ctx, r, r.supplier_name));
}

async function supplierUserIds(ctx: Ctx, supplierId: string): Promise<string[]> {
  const rows = await ctx.db.selectFrom('role_grant').select('user_id').where('role', '=', 'supplier').where('supplier_id', '=', supplierId).execute();
  return rows.map((r) => r.user_id);
}

/**
 * Moves a licence along LICENCE_TRANSITIONS with a conditional update on the licence as read
 * (status and last change), so two reviewers cannot both win, and a verdict never lands on a
 * number, date or scan its reviewer did not see (an edit keeps the status 'submitted').
 */
async function transition(ctx: Ctx, l: LicenceTable, to: LicenceStatus, set: Partial<LicenceTable>) {
  if (!LICENCE_TRANSITIONS[l.status].includes(to)) {
    throw new AppError(409, 'invalid_transition', `A ${l.status} licence cannot become ${to}`, [], { from: l.status, to });
  }
  const res = await ctx.db.updateTable('licence').set({ ...set, status: to, updated_at: nowIso() })
    .where('id', '=', l.id).where('status', '=', l.status).where('updated_at', '=', l.updated_at).executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new AppError(409, 'concurrent_change', 'Someone else changed this licence just now; reload and try again');
}

export async function reviewLicence(ctx: Ctx, licenceId: string, decision: { verdict: 'verify' | 'reject'; reason?: string | undefined; expectedUpdatedAt?: string | undefined }) {
  return inTransaction(ctx, async (tx) => {
    const l = await loadVisibleLicence(tx, licenceId);
    if (!isCenterFor(tx, l.county_code)) throw forbidden('Only the center of this county reviews its licences');
    // The reviewer decides on what it saw: if the holder changed the licence or its scan
    // since, the decision is refused and the page reloads.
    if (decision.expectedUpdatedAt && decision.expectedUpdatedAt !== l.updated_at) {
      throw new AppError(409, 'stale_review', 'The licence changed after you opened it; look at it again before deciding');
    }
    if (decision.verdict === 'verify') {
      if (!l.image_file_id) throw new AppError(409, 'scan_missing', 'Upload the scanned licence before verifying it');
      if (l.expires_on < bizDate()) throw new AppError(409, 'already_expired', 'This licence has expired and cannot be verified');
      await transition(tx, l, 'verified', { reviewed_by: tx.actor!.userId, reviewed_at: nowIso(), reject_reason: null });
    } else {
      const reason = decision.reason?.trim();
      if (!reason || reason.length < 2) throw invalid('/body/reason', 'Say why the licence is rejected, so the supplier can fix it', 'reason_required');
      await transition(tx, l, 'rejected', { reviewed_by: tx.actor!.userId, reviewed_at: nowIso(), reject_reason: reason });
    }
    await recordAudit(tx, {
      action: decision.verdict === 'verify' ? 'licence.verified' : 'licence.rejected', targetType: 'licence', targetId: l.id,
      countyCode: l.county_code, detail: { kind: l.kind, number: l.number, ...(decision.reason ? { reason: decision.reason } : {}) },
    });
    const label = LICENCE_LABELS[l.kind].zh;
    await notify(tx, await supplierUserIds(tx, l.supplier_id), decision.verdict === 'verify'
      ? { kind: 'licence_verified', title: `${label}已审核通过`, body: `证照 ${l.number || label} 已通过审核。`, refId: l.id, countyCode: l.county_code }
      : { kind: 'licence_rejected', title: `${label}未通过审核`, body: `原因：${decision.reason}。请修改后重新提交。`, refId: l.id, countyCode: l.county_code });
    return getLicence(tx, l.id);
  });
}

export async function uploadLicenceScan(ctx: Ctx, licenceId: string, req: FastifyRequest) {
  const l = await loadVisibleLicence(ctx, licenceId);
  if (!isOwner(ctx, l.supplier_id) && !isCenterFor(ctx, l.county_code)) throw forbidden();
  if (l.status !== 'submitted' && l.status !== 'rejected') throw new AppError(409, 'licence_locked', `A ${l.status} licence cannot be changed; submit a new one`);
  const file = await putFile(ctx.deps, await readUpload(req, ctx.deps), 'licence_scan');
  return inTransactionKeepingFile(ctx, file, async (tx) => {
    const fileId = await recordReceivedFile(tx, file, 'licence_scan', l.county_code);
    // Re-check the status in the write itself: a review may have landed while the file uploaded.
    const res = await tx.db.updateTable('licence').set({ image_file_id: fileId, status: 'submitted', reject_reason: null, updated_at: nowIso() })
      .where('id', '=', l.id).where('status', 'in', ['submitted', 'rejected']).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new AppError(409, 'licence_locked', 'The licence was reviewed while the scan uploaded; submit a new licence instead');
    await recordAudit(tx, { action: 'licence.scan_uploaded', targetType: 'licence', targetId: l.id, countyCode: l.county_code, detail: { fileId, bytes: file.sizeBytes } });
    return getLicence(tx, l.id);
  });
}

export async function sendLicenceScan(ctx: Ctx, licenceId: string, reply: FastifyReply) {
  const l = await loadVisibleLicence(ctx, licenceId);
  if (!l.image_file_id) throw notFound('Scan');
  await recordAudit(ctx, { action: 'licence.scan_viewed', targetType: 'licence', targetId: l.id, countyCode: l.county_code });
  return sendFile(ctx, reply, l.image_file_id, 'licence_scan');
}

/** Kinds of licence the supplier holds verified and unexpired on `onDate` (Asia/Shanghai). */
export async function validLicenceKinds(ctx: Ctx, supplierId: string, onDate: string = bizDate()): Promise<LicenceKind[]> {
  const rows = await ctx.db.selectFrom('licence').select('kind').distinct()
    .where('supplier_id', '=', supplierId).where('status', '=', 'verified').where('expires_on', '>=', onDate).execute();
  return rows.map((r) => r.kind);
}

// ---- jobs ---------------------------------------------------------------------------

/** Marks licences past their expiry date as expired; returns the ids it changed. */
export async function expireLicences(ctx: Ctx, today: string = bizDate()): Promise<{ id: string; supplierId: string; countyCode: string }[]> {
  return inTransaction(ctx, async (tx) => {
    const due = await tx.db.selectFrom('licence').select(['id', 'supplier_id', 'county_code', 'kind', 'number', 'status'])
      .where('status', 'in', ['verified', 'submitted']).where('expires_on', '<', today).execute();
    const done: { id: string; supplierId: string; countyCode: string }[] = [];
    for (const l of due) {
      const res = await tx.db.updateTable('licence').set({ status: 'expired', updated_at: nowIso() })
        .where('id', '=', l.id).where('status', '=', l.status).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) continue;
      done.push({ id: l.id, supplierId: l.supplier_id, countyCode: l.county_code });
      await recordAudit(tx, { action: 'licence.expired', targetType: 'licence', targetId: l.id, countyCode: l.county_code, actorId: null });
      const label = LICENCE_LABELS[l.kind].zh;
      await notify(tx, await supplierUserIds(tx, l.supplier_id), { kind: 'licence_expired', title: `${label}已过期`, body: `证照 ${l.number || label} 已过期，相关商品将下架，请尽快提交新证。`, refId: l.id, countyCode: l.county_code });
    }
    return done;
  });
}

/** Reminds suppliers (and marks the licence) once, 30 days before a verified licence expires. */
export async function sendExpiryReminders(ctx: Ctx, today: string = bizDate()): Promise<number> {
  const due = await ctx.db.selectFrom('licence').select(['id', 'supplier_id', 'county_code', 'kind', 'number', 'expires_on'])
    .where('status', '=', 'verified').where('reminder_sent_at', 'is', null)
    .where('expires_on', '<=', addDays(today, REMINDER_DAYS)).where('expires_on', '>=', today).execute();
  let sent = 0;
  for (const l of due) {
    await inTransaction(ctx, async (tx) => {
      const res = await tx.db.updateTable('licence').set({ reminder_sent_at: nowIso() }).where('id', '=', l.id).where('reminder_sent_at', 'is', null).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return; // another process reminded first
      const label = LICENCE_LABELS[l.kind].zh;
      await notify(tx, await supplierUserIds(tx, l.supplier_id), { kind: 'licence_expiring', title: `${label}将于${l.expires_on}到期`, body: `请在到期前提交新证，过期后相关商品将无法销售。`, refId: l.id, countyCode: l.county_code });
      sent++;
    });
  }
  return sent;
}
