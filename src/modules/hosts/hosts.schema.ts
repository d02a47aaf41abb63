import { Type, type TSchema } from '@sinclair/typebox';
import { PHONE_PATTERN } from '../../platform/mask.js';
import { HOST_KINDS, MATCH_KINDS, MATCH_STATUSES, PLATFORMS, SAMPLE_STATUSES, VERIFICATIONS } from './hosts.tables.js';

export const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Fen = (description: string) => Type.Integer({ description: `integer fen: ${description}` });

export const CountyCode = Type.String({ pattern: '^[0-9]{6}$', description: '6-digit county code' });
export const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'business date YYYY-MM-DD (Asia/Shanghai)' });
export const Id = (d: string) => Type.String({ maxLength: 80, description: d });
export const XlsxFile = Type.String({ format: 'binary', description: 'an XLSX workbook' });
export const HostKind = lit(HOST_KINDS);
export const PlatformSchema = lit(PLATFORMS);

const Availability = Type.Object({
  weekdays: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { maxItems: 7, description: '1 = Monday … 7 = Sunday' }),
  slots: Type.Array(lit(['morning', 'afternoon', 'evening'] as const), { maxItems: 3 }),
  note: Type.String({ maxLength: 200 }),
}, { additionalProperties: false });
const Specialities = Type.Array(Type.String({ minLength: 1, maxLength: 20 }), { maxItems: 12, description: 'what the host sells best (蓝莓, 人参, 山货…)' });

export const ProfileBody = Type.Object({
  countyCode: CountyCode,
  kind: HostKind,
  townshipCode: Type.String({ pattern: '^[0-9]{9}$', description: '9-digit township code in the county' }),
  displayName: Type.String({ minLength: 1, maxLength: 30 }),
  bio: Type.Optional(Type.String({ maxLength: 500 })),
  specialities: Type.Optional(Specialities),
  availability: Type.Optional(Availability),
}, { additionalProperties: false });

export const OwnProfileBody = Type.Object({
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 30 })),
  bio: Type.Optional(Type.String({ maxLength: 500 })),
  specialities: Type.Optional(Specialities),
  availability: Type.Optional(Availability),
}, { additionalProperties: false });

export const RealNameBody = Type.Object({
  realName: Type.String({ minLength: 2, maxLength: 30 }),
  idNumber: Type.String({ minLength: 1, maxLength: 24, description: '18-character resident ID number (GB 11643); stored encrypted, shown masked' }),
  guardian: Type.Optional(Type.Object({
    name: Type.String({ minLength: 2, maxLength: 30 }),
    relation: Type.String({ minLength: 1, maxLength: 20, description: '父亲, 母亲, 其他监护人…' }),
    phone: Type.String({ pattern: PHONE_PATTERN }),
    consentOn: DateString,
  }, { additionalProperties: false, description: 'required when the host is 16 or 17' })),
}, { additionalProperties: false });

export const ReviewBody = Type.Object({
  verdict: lit(['verify', 'reject'] as const), note: Type.Optional(Type.String({ maxLength: 200 })),
  expectedUpdatedAt: Type.Optional(Type.String({ maxLength: 40, description: 'updatedAt of the profile as the reviewer saw it; a later change refuses the review (409 real_name_changed)' })),
}, { additionalProperties: false });
export const RevealBody = Type.Object({ reason: Type.String({ minLength: 2, maxLength: 200, description: 'why the full number is needed (recorded in the audit log)' }) }, { additionalProperties: false });
export const RevealView = Type.Object({ hostUserId: Type.String(), realName: Type.String(), idNumber: Type.String() });
export const AccountBody = Type.Object({
  handle: Type.String({ minLength: 1, maxLength: 60 }),
  followers: Type.Integer({ minimum: 0, maximum: 10_000_000_000 }),
}, { additionalProperties: false });

const ExternalAccount = Type.Object({ platform: PlatformSchema, handle: Type.String(), followers: Type.Integer(), source: lit(['manual', 'import'] as const), updatedAt: Type.String() });
const Pledge = Nullable(Type.Object({ charityBp: Type.Integer(), developmentBp: Type.Integer() }));

export const ProfileView = Type.Object({
  hostUserId: Type.String(), countyCode: Type.String(), accountName: Type.String(), phoneMasked: Type.String(),
  kind: HostKind, townshipCode: Type.String(), townshipName: Type.String(), displayName: Type.String(), bio: Type.String(),
  specialities: Type.Array(Type.String()), availability: Availability,
  verification: lit(VERIFICATIONS), realName: Nullable(Type.String()),
  idNumberMasked: Nullable(Type.String({ description: 'the ID number masked (220***********1234); the full number only through the audited reveal' })),
  birthYear: Nullable(Type.Integer()), age: Nullable(Type.Integer()), gender: Nullable(lit(['male', 'female'] as const)),
  guardian: Nullable(Type.Object({ name: Type.String(), relation: Type.String(), phone: Type.String(), consentOn: Type.String() })),
  verificationNote: Type.String(), verifiedAt: Nullable(Type.String()),
  externalAccounts: Type.Array(ExternalAccount), showcaseCount: Type.Integer(),
  policy: Nullable(Type.Object({ kind: lit(['regular', 'official'] as const), basis: lit(['selection', 'rate', 'fixed'] as const), rateBp: Type.Integer(), fixedFen: Type.Integer(), pledge: Pledge, isDefault: Type.Boolean() })),
  createdAt: Type.String(), updatedAt: Type.String(),
});

export const RosterQuery = Type.Object({
  countyCode: CountyCode,
  kind: Type.Optional(HostKind),
  verification: Type.Optional(lit(VERIFICATIONS)),
  townshipCode: Type.Optional(Type.String({ pattern: '^[0-9]{9}$' })),
  q: Type.Optional(Type.String({ maxLength: 40 })),
});
export const RosterView = Type.Object({
  countyCode: Type.String(),
  items: Type.Array(Type.Object({
    hostUserId: Type.String(), accountName: Type.String(), phoneMasked: Type.String(), onRoster: Type.Boolean(),
    kind: Nullable(HostKind), townshipCode: Nullable(Type.String()), townshipName: Nullable(Type.String()), displayName: Type.String(),
    specialities: Type.Array(Type.String()), verification: lit(VERIFICATIONS), realName: Nullable(Type.String()), idNumberMasked: Nullable(Type.String()),
    age: Nullable(Type.Integer()), gender: Nullable(Type.String()), followers: Type.Integer(), externalAccounts: Type.Array(ExternalAccount),
    showcaseCount: Type.Integer(), policyKind: Nullable(Type.String()), updatedAt: Nullable(Type.String()),
  })),
});

export const ImportView = Type.Object({ applied: Type.Integer(), errors: Type.Array(Type.Object({ row: Type.Integer(), code: Type.String(), detail: Type.String() })) });

export const SettingsView = Type.Object({ countyCode: Type.String(), maxCommissionBp: Type.Integer(), isDefault: Type.Boolean(), updatedAt: Nullable(Type.String()) });
export const SettingsBody = Type.Object({ maxCommissionBp: Type.Integer({ description: 'the most commission (basis points of a line) any host policy of the county may take, 0–5000' }) }, { additionalProperties: false });

const ShowcaseItem = Type.Object({
  productId: Type.String(), title: Type.String(), unit: Type.String(), coverUrl: Nullable(Type.String()), origin: Type.String(),
  supplierId: Type.String(), supplierName: Type.String(), minPriceFen: Nullable(Fen('cheapest SKU')), commissionRateBp: Nullable(Type.Integer()),
  inSelection: Type.Boolean(), sellable: Type.Boolean({ description: 'false once it came off sale, left the selection base or its supplier lapsed' }), addedAt: Type.String(),
});
export const ShowcaseView = Type.Object({ hostUserId: Type.String(), items: Type.Array(ShowcaseItem) });
export const ShowcaseAddBody = Type.Object({ productId: Id('a product in the selection base') }, { additionalProperties: false });
export const ShowcaseAddView = Type.Object({ added: Type.Boolean({ description: 'false when it was already there' }), items: Type.Array(ShowcaseItem) });

export const PublicProfileView = Type.Object({
  hostUserId: Type.String(), countyCode: Type.String(), countyName: Type.String(), displayName: Type.String(), kind: HostKind,
  townshipName: Type.String(), bio: Type.String(), specialities: Type.Array(Type.String()),
  externalAccounts: Type.Array(Type.Object({ platform: PlatformSchema, handle: Type.String(), followers: Type.Integer() })),
  showcase: Type.Array(ShowcaseItem),
  pledge: Type.Union([Type.Object({ charityBp: Type.Integer(), developmentBp: Type.Integer() }), Type.Null()], { description: "an official host's public pledge: where its share goes instead of commission" }),
});

export const DirectoryView = Type.Object({
  countyCode: Type.String(),
  items: Type.Array(Type.Object({ hostUserId: Type.String(), displayName: Type.String(), kind: HostKind, townshipName: Type.String(), specialities: Type.Array(Type.String()), followers: Type.Integer() })),
});

export const MatchBody = Type.Object({
  kind: lit(MATCH_KINDS),
  productId: Id('the product to carry'),
  hostUserId: Type.Optional(Id('the host invited (kind invite)')),
  message: Type.Optional(Type.String({ maxLength: 300 })),
}, { additionalProperties: false });
export const MatchView = Type.Object({
  id: Type.String(), countyCode: Type.String(), kind: lit(MATCH_KINDS), status: lit(MATCH_STATUSES),
  hostUserId: Type.String(), hostName: Type.String(), productId: Type.String(), productTitle: Type.String(), supplierId: Type.String(), supplierName: Type.String(),
  message: Type.String(), decisionNote: Type.String(), decidedAt: Nullable(Type.String()), createdBy: Type.String(), createdAt: Type.String(), updatedAt: Type.String(),
});
export const MatchList = Type.Object({ items: Type.Array(MatchView) });
export const MatchQuery = Type.Object({ status: Type.Optional(lit(MATCH_STATUSES)), countyCode: Type.Optional(CountyCode), hostUserId: Type.Optional(Id('host')) });
export const DecideBody = Type.Object({ verdict: lit(['approve', 'reject'] as const), note: Type.Optional(Type.String({ maxLength: 300 })) }, { additionalProperties: false });

export const SampleBody = Type.Object({
  productId: Id('product'),
  quantity: Type.Integer({ minimum: 1, maximum: 20 }),
  returnRequired: Type.Boolean({ description: 'the host sends the sample back after the session' }),
  recipientName: Type.String({ minLength: 1, maxLength: 30 }),
  recipientPhone: Type.String({ pattern: PHONE_PATTERN }),
  addressText: Type.String({ minLength: 5, maxLength: 200 }),
  note: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });
export const SampleView = Type.Object({
  id: Type.String(), countyCode: Type.String(), status: lit(SAMPLE_STATUSES), hostUserId: Type.String(), hostName: Type.String(),
  productId: Type.String(), productTitle: Type.String(), supplierId: Type.String(), supplierName: Type.String(), quantity: Type.Integer(),
  returnRequired: Type.Boolean(), recipientName: Type.String(), recipientPhone: Type.String(), addressText: Type.String(), note: Type.String(),
  carrier: Nullable(Type.String()), trackingNo: Nullable(Type.String()), shippedAt: Nullable(Type.String()), receivedAt: Nullable(Type.String()),
  returnCarrier: Nullable(Type.String()), returnTrackingNo: Nullable(Type.String()), returnShippedAt: Nullable(Type.String()), returnedAt: Nullable(Type.String()),
  cancelledAt: Nullable(Type.String()), createdAt: Type.String(), updatedAt: Type.String(),
});
export const SampleList = Type.Object({ items: Type.Array(SampleView) });
export const SampleQuery = Type.Object({ status: Type.Optional(lit(SAMPLE_STATUSES)), countyCode: Type.Optional(CountyCode) });
export const ShipBody = Type.Object({ carrier: Type.String({ maxLength: 10 }), trackingNo: Type.String({ maxLength: 40 }) }, { additionalProperties: false });

export const PeriodQuery = Type.Object({ from: DateString, to: DateString });
export const CountyPeriodQuery = Type.Object({ countyCode: CountyCode, from: DateString, to: DateString });
const FigureFields = {
  hostUserId: Type.String(), displayName: Type.String(), kind: Nullable(HostKind), local: Type.Boolean(),
  sessions: Type.Integer(), externalSessions: Type.Integer(), hoursLive: Type.Number(), avgViewers: Nullable(Type.Number()), peakViewers: Type.Integer(),
  uniqueViewers: Type.Integer(), orders: Type.Integer(), gmvFen: Fen('paid orders the host sold'), refundsFen: Fen('refunded on them'),
  commissionFen: Fen('earned in the period'), pledgedFen: Fen("an official's share pledged to the funds"),
  externalOrders: Type.Integer(), externalGmvFen: Fen('reported by external platforms'), conversion: Nullable(Type.Number({ description: 'orders ÷ unique viewers' })),
};
export const CountyPerformanceView = Type.Object({
  countyCode: Type.String(), from: Type.String(), to: Type.String(),
  totals: Type.Object({
    countyOrders: Type.Integer(), countyGmvFen: Fen('all paid orders of the county'), hostGmvFen: Fen('sold by hosts'), localGmvFen: Fen('sold by local hosts'),
    localShareOfCounty: Nullable(Type.Number()), localShareOfHosts: Nullable(Type.Number()), hosts: Type.Integer(), localHosts: Type.Integer(),
    sessions: Type.Integer(), hoursLive: Type.Number(), commissionFen: Type.Integer(), pledgedFen: Type.Integer(),
  }),
  items: Type.Array(Type.Object({ rank: Type.Integer(), ...FigureFields })),
});
export const HostPerformanceView = Type.Object({
  countyCode: Type.String(), from: Type.String(), to: Type.String(), rank: Type.Integer(), of: Type.Integer(), ...FigureFields,
  daily: Type.Array(Type.Object({ date: Type.String(), orders: Type.Integer(), gmvFen: Type.Integer() })),
});

