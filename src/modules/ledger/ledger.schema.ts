import { Type } from '@sinclair/typebox';
import { ACCOUNT_KINDS, ENTRY_KINDS } from './ledger.chart.js';

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Fen = (description: string) => Type.Integer({ description: `integer fen: ${description}` });

export const AccountKindSchema = lit(ACCOUNT_KINDS);
export const EntryKindSchema = lit(ENTRY_KINDS);
export const CountyCode = Type.String({ pattern: '^[0-9]{6}$', description: '6-digit county code' });
export const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'business date YYYY-MM-DD (Asia/Shanghai)' });

export const AccountView = Type.Object({
  id: Type.String(),
  countyCode: Type.String(),
  kind: AccountKindSchema,
  partyId: Nullable(Type.String({ description: 'supplier id or host user id for per-party accounts' })),
  nameZh: Type.String(),
  nameEn: Type.String(),
  normalSide: lit(['debit', 'credit'] as const),
  type: lit(['asset', 'liability', 'income'] as const),
  guarded: Type.Boolean({ description: 'never below zero on its normal side' }),
});

export const AccountBalance = Type.Composite([AccountView, Type.Object({
  debitFen: Fen('sum of debits'),
  creditFen: Fen('sum of credits, as a positive number'),
  balanceFen: Fen('balance on the normal side (owed, held or earned)'),
  postingCount: Type.Integer(),
})]);

export const BalancesView = Type.Object({ countyCode: Type.String(), items: Type.Array(AccountBalance) });

export const TrialBalanceView = Type.Object({
  countyCode: Type.String(),
  asOf: Nullable(Type.String()),
  accounts: Type.Array(AccountBalance),
  totalDebitFen: Fen('all debits'),
  totalCreditFen: Fen('all credits'),
  netFen: Fen('debits minus credits: always 0'),
  balanced: Type.Boolean(),
});

export const PostingView = Type.Object({
  id: Type.String(),
  accountId: Type.String(),
  accountKind: AccountKindSchema,
  partyId: Nullable(Type.String()),
  amountFen: Fen('signed: debit > 0, credit < 0'),
  side: lit(['debit', 'credit'] as const),
});

export const EntryView = Type.Object({
  id: Type.String(),
  countyCode: Type.String(),
  kind: EntryKindSchema,
  refType: Type.String(),
  refId: Type.String(),
  memo: Type.String(),
  bizDate: Type.String(),
  idempotencyKey: Nullable(Type.String()),
  createdAt: Type.String(),
  createdBy: Nullable(Type.String()),
  totalFen: Fen('sum of the debits (= sum of the credits)'),
  postings: Type.Array(PostingView),
});

export const StatementLine = Type.Object({
  id: Type.String({ description: 'posting id' }),
  entryId: Type.String(),
  entryKind: EntryKindSchema,
  refType: Type.String(),
  refId: Type.String(),
  memo: Type.String(),
  bizDate: Type.String(),
  createdAt: Type.String(),
  amountFen: Fen('signed: debit > 0, credit < 0'),
  debitFen: Fen('debit, or 0'),
  creditFen: Fen('credit as a positive number, or 0'),
  balanceFen: Fen('running balance on the normal side after this line'),
});

export const StatementView = Type.Object({
  account: AccountView,
  from: Nullable(Type.String()),
  to: Nullable(Type.String()),
  openingBalanceFen: Fen('balance on the normal side before the period'),
  closingBalanceFen: Fen('balance on the normal side at the end of the period'),
  items: Type.Array(StatementLine),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as ?cursor= for the next page; null at the end' }),
});
