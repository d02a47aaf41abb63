import { sql } from 'kysely';
import type { Ctx } from '../../context.js';
import { afterCommit, inTransaction } from '../../context.js';
import { AppError, invalid, notFound } from '../../platform/http/errors.js';
import { type Role, hasAnyRole, inScope, supplierIdsOf } from '../../platform/http/access.js';
import { decodeCursor, toPage } from '../../platform/http/pagination.js';
import { newId } from '../../platform/ids.js';
import { bizDate, nowIso } from '../../platform/time.js';
import { ACCOUNT_KINDS, CHART, ENTRY_KINDS, type AccountKind, type EntryKind, normalBalance } from './ledger.chart.js';
import * as repo from './ledger.repo.js';
import { payout } from './ledger.events.js';
import type { LedgerAccountTable, LedgerEntryTable } from './ledger.tables.js';

/** Who reads a county's books: its center and the county's officials. */
export const LEDGER_READ_ROLES: readonly Role[] = ['center_admin', 'operator', 'official'];

/** An account named by id, or by kind (and party, for per-supplier and per-host kinds). */
export type AccountRef =
  | { accountId: string }
  | { kind: AccountKind; partyId?: string | null | undefined; countyCode?: string | undefined };

export interface LineInput {
  account: AccountRef;
  /** Signed integer fen: debit > 0, credit < 0. */
  amountFen: number;
}

export interface EntryInput {
  countyCode: string;
  kind: EntryKind;
  /** What the entry records, e.g. ('payment', 'pay_…') or ('order', 'ord_…'). */
  refType: string;
  refId: string;
  memo?: string | undefined;
  /** The business event's own identity: posting it again returns the first entry. */
  idempotencyKey?: string | null | undefined;
  lines: LineInput[];
}

const refuse = (code: string, detail: string, extra: Record<string, unknown> = {}) => new AppError(422, code, detail, [], extra);

const COUNTY = /^[0-9]{6}$/;
const PARTY_PREFIX = { supplier: 'sup_', host: 'usr_' } as const;

function partyOf(kind: AccountKind, partyId: string | null | undefined, lineIndex: number): string {
  const def = CHART[kind];
  if (!def.party) {
    if (partyId) throw refuse('ledger_invalid_party', `Account ${kind} has no party`, { line: lineIndex });
    return '';
  }
  if (!partyId || !partyId.startsWith(PARTY_PREFIX[def.party])) {
    throw refuse('ledger_invalid_party', `Account ${kind} needs a ${def.party} id (${PARTY_PREFIX[def.party]}…)`, { line: lineIndex });
  }
  return partyId;
}

/** Every check that needs no database: a refused entry writes nothing. */
function validateEntry(input: EntryInput): void {
  if (!COUNTY.test(input.countyCode)) throw refuse('ledger_invalid_county', 'An entry needs a 6-digit county code');
  if (!(ENTRY_KINDS as readonly string[]).includes(input.kind)) throw refuse('ledger_invalid_kind', `Unknown entry kind ${String(input.kind)}`);
  if (!input.refType || !input.refId) throw refuse('ledger_missing_ref', 'An entry must say what it records (refType and refId)');
  if (input.idempotencyKey !== undefined && input.idempotencyKey !== null && (input.idempotencyKey.length === 0 || input.idempotencyKey.length > 200)) {
    throw refuse('ledger_invalid_idempotency_key', 'An idempotency key is 1 to 200 characters');
  }
  if (!Array.isArray(input.lines) || input.lines.length < 2) {
    throw refuse('ledger_too_few_lines', 'A double-entry transaction needs at least two lines');
  }
  let total = 0n;
  input.lines.forEach((line, i) => {
    if (typeof line.amountFen !== 'number' || !Number.isSafeInteger(line.amountFen)) {
      throw refuse('ledger_invalid_amount', `Line ${i}: the amount must be a whole number of fen within the safe integer range`, { line: i });
    }
    if (line.amountFen === 0) throw refuse('ledger_zero_line', `Line ${i}: a line of zero fen records nothing`, { line: i });
    total += BigInt(line.amountFen);
    const ref = line.account;
    if ('kind' in ref) {
      if (!(ACCOUNT_KINDS as readonly string[]).includes(ref.kind)) throw refuse('ledger_invalid_account', `Line ${i}: unknown account kind ${String(ref.kind)}`, { line: i });
      if (ref.countyCode !== undefined && ref.countyCode !== input.countyCode) {
        throw refuse('ledger_mixed_counties', `Line ${i} is in county ${ref.countyCode}, the entry in ${input.countyCode}: each county keeps its own books`, { line: i });
      }
      partyOf(ref.kind, ref.partyId, i);
    } else if (typeof ref.accountId !== 'string' || !ref.accountId) {
      throw refuse('ledger_invalid_account', `Line ${i}: no account`, { line: i });
    }
  });
  if (total !== 0n) {
    throw refuse('ledger_unbalanced', `Debits and credits differ by ${total} fen; an entry must sum to zero`, { differenceFen: Number(total) });
  }
}

/** What never changes about an account once it exists: its id and what it is the account of. */
type AccountIdentity = Readonly<Pick<LedgerAccountTable, 'id' | 'county_code' | 'kind' | 'party_id'>>;

/**
 * Accounts by county, kind and party, per database, as committed. An account is never deleted
 * nor moved, so a remembered id stays true; the cache saves a look-up on every entry (a payment
 * is one). Bounded: cleared when full, and filled again from the database.
 */
const knownAccounts = new WeakMap<object, Map<string, AccountIdentity>>();
const MAX_KNOWN_ACCOUNTS = 50_000;
function knownAccountsOf(ctx: Ctx): Map<string, AccountIdentity> {
  let known = knownAccounts.get(ctx.deps.db);
  if (!known) knownAccounts.set(ctx.deps.db, (known = new Map()));
  return known;
}
function rememberAccounts(ctx: Ctx, accounts: [string, AccountIdentity][]) {
  const known = knownAccountsOf(ctx);
  if (known.size + accounts.length > MAX_KNOWN_ACCOUNTS) known.clear();
  for (const [key, a] of accounts) known.set(key, a);
}

/**
 * Finds or creates the accounts an entry names. Creation is `insert … on conflict do nothing`
 * and a second select, so two transactions creating the same account both end up with the
 * one row (on PostgreSQL the second waits for the first to commit; SQLite runs one writer).
 */
async function resolveAccounts(ctx: Ctx, countyCode: string, refs: AccountRef[], opts: { cached: boolean } = { cached: true }): Promise<AccountIdentity[]> {
  const byIdRefs = refs.filter((r): r is { accountId: string } => 'accountId' in r);
  const byId = new Map((await repo.findAccountsByIds(ctx.db, [...new Set(byIdRefs.map((r) => r.accountId))])).map((a) => [a.id, a]));
  const keyOf = (k: { kind: AccountKind; partyId: string }) => `${countyCode}|${k.kind}|${k.partyId}`;
  const known = opts.cached ? knownAccountsOf(ctx) : new Map<string, AccountIdentity>();
  const byKey = new Map<string, AccountIdentity>();
  const keys = new Map<string, repo.AccountKey>();
  refs.forEach((ref, i) => {
    if ('kind' in ref) {
      const k = { kind: ref.kind, partyId: partyOf(ref.kind, ref.partyId, i) };
      const hit = known.get(keyOf(k));
      if (hit) byKey.set(keyOf(k), hit);
      else keys.set(keyOf(k), k);
    }
  });
  if (keys.size) {
    let found = await repo.findAccountsByKeys(ctx.db, countyCode, [...keys.values()]);
    if (found.length < keys.size) {
      const have = new Set(found.map((a) => keyOf({ kind: a.kind, partyId: a.party_id })));
      const now = nowIso();
      await repo.insertAccountsIfMissing(ctx.db, [...keys.values()].filter((k) => !have.has(keyOf(k))).map((k) => ({
        id: newId('ledgerAccount'), county_code: countyCode, kind: k.kind, party_id: k.partyId,
        balance_fen: CHART[k.kind].guarded ? 0 : null, created_at: now,
      })));
      found = await repo.findAccountsByKeys(ctx.db, countyCode, [...keys.values()]);
    }
    const identities = found.map((a) => Object.freeze({ id: a.id, county_code: a.county_code, kind: a.kind, party_id: a.party_id }));
    for (const a of identities) byKey.set(keyOf({ kind: a.kind, partyId: a.party_id }), a);
    // Remembered only once committed: an account this transaction created, or saw another
    // uncommitted one create, must not be remembered if it rolls back.
    if (opts.cached) afterCommit(ctx, () => rememberAccounts(ctx, identities.map((a) => [keyOf({ kind: a.kind, partyId: a.party_id }), a])));
  }
  return refs.map((ref, i) => {
    if ('accountId' in ref) {
      const a = byId.get(ref.accountId);
      if (!a) throw refuse('ledger_unknown_account', `Line ${i}: no account ${ref.accountId}`, { line: i });
      if (a.county_code !== countyCode) {
        throw refuse('ledger_mixed_counties', `Line ${i} is in county ${a.county_code}, the entry in ${countyCode}: each county keeps its own books`, { line: i });
      }
      return a;
    }
    const a = byKey.get(keyOf({ kind: ref.kind, partyId: partyOf(ref.kind, ref.partyId, i) }));
    if (!a) throw new Error('ledger account vanished after get-or-create');
    return a;
  });
}

/** Gets (or creates) one account of a county; safe when many callers race to create it. */
export async function getOrCreateAccount(ctx: Ctx, countyCode: string, kind: AccountKind, partyId?: string | null) {
  if (!COUNTY.test(countyCode)) throw refuse('ledger_invalid_county', 'An account needs a 6-digit county code');
  if (!(ACCOUNT_KINDS as readonly string[]).includes(kind)) throw refuse('ledger_invalid_account', `Unknown account kind ${String(kind)}`);
  return inTransaction(ctx, async (tx) => {
    const [a] = await resolveAccounts(tx, countyCode, [{ kind, partyId }], { cached: false });
    return accountView(a!);
  });
}

export function accountView(a: AccountIdentity) {
  const def = CHART[a.kind];
  return {
    id: a.id, countyCode: a.county_code, kind: a.kind, partyId: a.party_id || null,
    nameZh: def.nameZh, nameEn: def.nameEn, normalSide: def.normal, type: def.type, guarded: def.guarded,
  };
}

async function entryView(ctx: Ctx, e: LedgerEntryTable) {
  return viewOf(e, await repo.entryPostings(ctx.db, e.id));
}

/** An entry with its postings (in id order, each with its account's kind and party). */
function viewOf(e: LedgerEntryTable, postings: { id: string; account_id: string; amount_fen: number; kind: AccountKind; party_id: string }[]) {
  return {
    id: e.id, countyCode: e.county_code, kind: e.kind, refType: e.ref_type, refId: e.ref_id, memo: e.memo,
    bizDate: e.biz_date, idempotencyKey: e.idempotency_key, createdAt: e.created_at, createdBy: e.created_by,
    totalFen: postings.reduce((s, p) => s + (p.amount_fen > 0 ? p.amount_fen : 0), 0),
    postings: postings.map((p) => ({
      id: p.id, accountId: p.account_id, accountKind: p.kind, partyId: p.party_id || null, amountFen: p.amount_fen,
      side: p.amount_fen > 0 ? ('debit' as const) : ('credit' as const),
    })),
  };
}

export type EntryView = Awaited<ReturnType<typeof entryView>>;

const sortedLines = (lines: { account_id: string; amount_fen: number }[]) =>
  lines.map((l) => `${l.account_id}:${l.amount_fen}`).sort().join(',');

/**
 * Posts one balanced entry, with all its postings, in the caller's transaction (or its own
 * when there is none). Refuses, before writing anything: fewer than two lines, a zero line, an
 * amount that is not a safe integer, an unbalanced entry, lines of another county (422 with a
 * `ledger_*` code). Refuses with 409 `insufficient_balance` an entry that would take a guarded
 * account (see CHART) below zero, and 409 `idempotency_conflict` a key reused for other lines.
 * An entry whose idempotency key was already posted in the county is not posted again: the
 * first entry is returned with `replayed: true`.
 */
export async function postEntry(ctx: Ctx, input: EntryInput): Promise<EntryView & { replayed: boolean }> {
  validateEntry(input);
  return inTransaction(ctx, async (tx) => {
    const accounts = await resolveAccounts(tx, input.countyCode, input.lines.map((l) => l.account));
    // Net change of each guarded account on its normal side, in id order: every transaction
    // takes the row locks in the same order, so two entries never deadlock on PostgreSQL.
    const deltas = new Map<string, number>();
    accounts.forEach((a, i) => {
      if (!CHART[a.kind].guarded) return;
      const d = CHART[a.kind].normal === 'debit' ? input.lines[i]!.amountFen : -input.lines[i]!.amountFen;
      deltas.set(a.id, (deltas.get(a.id) ?? 0) + d);
    });
    const guarded = [...deltas.entries()].filter(([, d]) => d !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    // A refusal after the first write must leave a caller's own transaction as it was, even
    // when the caller catches the error and goes on: a savepoint, only where a refusal can come
    // this late (a guarded balance going down) so the common payment path pays nothing for it.
    const savepoint = ctx.db.isTransaction && guarded.some(([, d]) => d < 0);
    if (savepoint) await sql`savepoint ledger_post`.execute(tx.db);
    try {
      const entry: LedgerEntryTable = {
        id: newId('ledgerEntry'), county_code: input.countyCode, kind: input.kind, ref_type: input.refType, ref_id: input.refId,
        memo: input.memo ?? '', biz_date: bizDate(), idempotency_key: input.idempotencyKey ?? null, created_at: nowIso(),
        created_by: ctx.actor?.userId ?? null,
      };
      if (!(await repo.insertEntryIfNew(tx.db, entry))) {
        // Under READ COMMITTED (the default on PostgreSQL) this new statement sees the entry the
        // insert above waited for; under REPEATABLE READ it would not, so callers keep the default.
        const first = await repo.findEntryByKey(tx.db, input.countyCode, entry.idempotency_key!);
        if (!first) throw new Error('ledger entry with a taken idempotency key not found');
        const view = await entryView(tx, first);
        const same = first.kind === input.kind && first.ref_type === input.refType && first.ref_id === input.refId
          && sortedLines(view.postings.map((p) => ({ account_id: p.accountId, amount_fen: p.amountFen })))
            === sortedLines(accounts.map((a, i) => ({ account_id: a.id, amount_fen: input.lines[i]!.amountFen })));
        if (!same) {
          throw new AppError(409, 'idempotency_conflict', `The idempotency key ${entry.idempotency_key} was already used for a different entry`, [], { entryId: first.id });
        }
        if (savepoint) await sql`release savepoint ledger_post`.execute(tx.db);
        return { ...view, replayed: true };
      }
      const postings = accounts.map((a, i) => ({
        id: newId('ledgerPosting'), entry_id: entry.id, account_id: a.id, county_code: input.countyCode,
        biz_date: entry.biz_date, amount_fen: input.lines[i]!.amountFen,
      }));
      await repo.insertPostings(tx.db, postings);
      // The guarded balances last: their rows are shared by every payment of the county (its
      // service fee, a supplier's payable), and on PostgreSQL each is locked from its update to
      // the commit. Written first they were held through the postings and the caller's audit
      // rows, and a checkout's paid notifications queued behind one another (docs/benchmarks.md,
      // sixth pass). A refusal still undoes the postings with everything else.
      for (const [accountId, delta] of guarded) {
        if (!(await repo.applyGuardedDelta(tx.db, accountId, delta))) {
          const a = accounts.find((x) => x.id === accountId)!;
          const now = await repo.accountById(tx.db, accountId);
          throw new AppError(409, 'insufficient_balance',
            `${CHART[a.kind].nameEn}${a.party_id ? ` (${a.party_id})` : ''} holds ${now?.balance_fen ?? 0} fen; this entry needs ${-delta}`,
            [], { accountId, accountKind: a.kind, partyId: a.party_id || null, balanceFen: now?.balance_fen ?? 0, requiredFen: -delta });
        }
      }
      if (savepoint) await sql`release savepoint ledger_post`.execute(tx.db);
      // The view from what was just written: a payment posts one entry per checkout, and reading
      // it back was one more round trip on every one.
      const written = postings.map((p, i) => ({ ...p, kind: accounts[i]!.kind, party_id: accounts[i]!.party_id })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return { ...viewOf(entry, written), replayed: false };
    } catch (err) {
      if (savepoint) {
        await sql`rollback to savepoint ledger_post`.execute(tx.db);
        await sql`release savepoint ledger_post`.execute(tx.db);
      }
      throw err;
    }
  });
}

// ---- Reading the books -------------------------------------------------------------------

function balanceView(r: repo.AccountSums) {
  return {
    ...accountView(r),
    debitFen: r.debit_fen,
    creditFen: r.credit_fen,
    balanceFen: normalBalance(r.kind, r.sum_fen),
    postingCount: r.postings,
  };
}

/** Balances of every account of a county; another county's books read as empty. */
export async function balances(ctx: Ctx, countyCode: string, opts: { kind?: AccountKind | undefined } = {}) {
  if (!inScope(ctx.actor, countyCode, LEDGER_READ_ROLES)) return { countyCode, items: [] };
  const rows = await repo.accountSums(ctx.db, countyCode, opts);
  return { countyCode, items: rows.map(balanceView) };
}

/**
 * The trial balance of a county (up to a business date): debits and credits of every account.
 * Double entry means the signed total is zero; `balanced` says so, and a non-zero total would
 * be a bug, never a state the service can write.
 */
export async function trialBalance(ctx: Ctx, countyCode: string, asOf?: string) {
  if (!inScope(ctx.actor, countyCode, LEDGER_READ_ROLES)) throw notFound('Ledger');
  const rows = await repo.accountSums(ctx.db, countyCode, { asOf });
  const totalDebitFen = rows.reduce((s, r) => s + r.debit_fen, 0);
  const totalCreditFen = rows.reduce((s, r) => s + r.credit_fen, 0);
  return {
    countyCode, asOf: asOf ?? null,
    accounts: rows.map(balanceView),
    totalDebitFen, totalCreditFen, netFen: totalDebitFen - totalCreditFen, balanced: totalDebitFen === totalCreditFen,
  };
}

/** County readers see every account; a supplier its own payable; a host its own commission account. */
function canReadAccount(ctx: Ctx, a: LedgerAccountTable): boolean {
  if (inScope(ctx.actor, a.county_code, LEDGER_READ_ROLES)) return true;
  if (a.kind === 'supplier_payable') return supplierIdsOf(ctx.actor).includes(a.party_id);
  if (a.kind === 'host_commission_payable') return hasAnyRole(ctx.actor, ['host']) && ctx.actor!.userId === a.party_id;
  return false;
}

export interface StatementQuery {
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

/**
 * An account's statement for a period of business dates (Asia/Shanghai), oldest first, with
 * the opening balance, the running balance after each posting and the closing balance, all on
 * the account's normal side. Pages follow the posting ids (UUIDv7, so creation order).
 */
export async function accountStatement(ctx: Ctx, accountId: string, q: StatementQuery) {
  const a = await repo.accountById(ctx.db, accountId);
  if (!a || !canReadAccount(ctx, a)) throw notFound('Account');
  if (q.from && q.to && q.from > q.to) throw invalid('/query/to', 'The period ends before it starts');
  const after = decodeCursor(q.cursor);
  const period = { from: q.from, to: q.to };
  // One after the other, not Promise.all: on PostgreSQL that would hold four pool connections.
  const opening = q.from ? await repo.sumPostings(ctx.db, a.id, { before: q.from }) : 0;
  const inPeriod = await repo.sumPostings(ctx.db, a.id, period);
  const beforePage = after ? await repo.sumPostings(ctx.db, a.id, { ...period, upToId: after }) : 0;
  const rows = await repo.statementRows(ctx.db, a.id, { ...period, afterId: after, limit: q.limit + 1 });
  let running = opening + beforePage;
  const page = toPage(rows, q.limit, (r) => {
    running += r.amount_fen;
    return {
      id: r.id, entryId: r.entry_id, entryKind: r.kind, refType: r.ref_type, refId: r.ref_id, memo: r.memo,
      bizDate: r.biz_date, createdAt: r.created_at, amountFen: r.amount_fen,
      debitFen: r.amount_fen > 0 ? r.amount_fen : 0, creditFen: r.amount_fen < 0 ? -r.amount_fen : 0,
      balanceFen: normalBalance(a.kind, running),
    };
  });
  return {
    account: accountView(a), from: q.from ?? null, to: q.to ?? null,
    openingBalanceFen: normalBalance(a.kind, opening), closingBalanceFen: normalBalance(a.kind, opening + inPeriod),
    ...page,
  };
}

/** One entry with its postings; another county's entry is not found. */
export async function getEntry(ctx: Ctx, entryId: string) {
  const e = await repo.findEntry(ctx.db, entryId);
  if (!e || !inScope(ctx.actor, e.county_code, LEDGER_READ_ROLES)) throw notFound('Entry');
  return entryView(ctx, e);
}

/**
 * Pays a supplier what it is owed (Dr supplier_payable / Cr bank) in the caller's transaction:
 * refused with 409 `insufficient_balance` when the payout is larger than the payable, and
 * posted once per payout id however often it is retried.
 */
export async function payoutSupplier(ctx: Ctx, e: { countyCode: string; payoutId: string; supplierId: string; amountFen: number }) {
  return postEntry(ctx, payout({ countyCode: e.countyCode, payoutId: e.payoutId, to: { supplierId: e.supplierId }, amountFen: e.amountFen }));
}
