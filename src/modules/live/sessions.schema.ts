import { Type } from '@sinclair/typebox';
import { APPROVALS, EXTERNAL_PLATFORMS, SESSION_KINDS, SESSION_STATUSES } from './live.tables.js';

/** Request and response schemas of live sessions (scheduling, run-of-show, approval, stream key, pre-announcement, report). */

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const N = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Id = (d: string) => Type.String({ maxLength: 80, description: d });
const Instant = (d: string) => Type.String({ format: 'date-time', maxLength: 40, description: d });
const Fen = Type.Integer({ minimum: 1, maximum: 100_000_000_00, description: 'integer fen' });

export const KindSchema = lit(SESSION_KINDS);
export const StatusSchema = lit(SESSION_STATUSES);
export const ApprovalSchema = lit(APPROVALS);
export const PlatformSchema = lit(EXTERNAL_PLATFORMS);

export const SessionParams = Type.Object({ sessionId: Id('session id') });
export const ItemParams = Type.Object({ sessionId: Id('session id'), itemId: Id('run-of-show item id') });
export const SaleParams = Type.Object({ sessionId: Id('session id'), saleId: Id('external sale id') });

const ExternalUrl = Type.String({ maxLength: 500, pattern: '^https?://[^\\s]+$', description: "the session's own link on the platform" });
const ExternalCode = Type.String({ maxLength: 200, description: 'the 口令 / code viewers paste into the platform app' });

export const CreateSessionBody = Type.Object({
  kind: KindSchema,
  title: Type.String({ minLength: 2, maxLength: 60 }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  scheduledStart: Instant('when the session starts (ISO 8601 with offset)'),
  scheduledEnd: Instant('when it is planned to end'),
  countyCode: Type.Optional(Type.String({ pattern: '^[0-9]{6}$', description: 'needed only when the host works in several counties' })),
  platform: Type.Optional(PlatformSchema),
  externalUrl: Type.Optional(ExternalUrl),
  externalCode: Type.Optional(ExternalCode),
}, { additionalProperties: false });

export const UpdateSessionBody = Type.Object({
  title: Type.Optional(Type.String({ minLength: 2, maxLength: 60 })),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  scheduledStart: Type.Optional(Instant('when the session starts')),
  scheduledEnd: Type.Optional(Instant('when it is planned to end')),
  platform: Type.Optional(PlatformSchema),
  externalUrl: Type.Optional(N(ExternalUrl)),
  externalCode: Type.Optional(N(ExternalCode)),
}, { additionalProperties: false });

export const ItemView = Type.Object({
  id: Type.String(), position: Type.Integer(), roomCode: Type.Integer(),
  productId: Type.String(), skuId: Type.String(), supplierId: Type.String(),
  title: Type.String(), spec: Type.String(), unit: Type.String(), imageUrl: N(Type.String()),
  listPriceFen: Type.Integer(), livePriceFen: Type.Integer(), stockAllotted: Type.Integer(), stockLeft: Type.Integer(),
  slotMinute: N(Type.Integer()), slotMinutes: N(Type.Integer()), talkingPoints: Type.String(),
});

export const SessionView = Type.Object({
  id: Type.String(), countyCode: Type.String(), kind: KindSchema, title: Type.String(), description: Type.String(),
  host: Type.Object({ id: Type.String(), name: Type.String() }),
  coverUrl: N(Type.String()), scheduledStart: Type.String(), scheduledEnd: Type.String(),
  status: StatusSchema, approval: ApprovalSchema, approvalNote: Type.String(), approvedBy: N(Type.String()),
  platform: N(PlatformSchema), externalUrl: N(Type.String()), externalCode: N(Type.String()),
  videoState: lit(['offline', 'receiving'] as const), startedAt: N(Type.String()), endedAt: N(Type.String()),
  hasReplay: Type.Boolean(),
  reservationCount: Type.Integer(),
  items: Type.Array(ItemView),
  /** What the caller may do now (the screens show or hide buttons by these). */
  can: Type.Object({ edit: Type.Boolean(), approve: Type.Boolean(), goLive: Type.Boolean(), end: Type.Boolean(), cancel: Type.Boolean(), streamKey: Type.Boolean() }),
  goLiveFrom: Type.String({ description: 'the earliest instant the host may go live' }),
  createdAt: Type.String(), updatedAt: Type.String(),
});

export const SessionSummary = Type.Object({
  id: Type.String(), countyCode: Type.String(), kind: KindSchema, title: Type.String(),
  host: Type.Object({ id: Type.String(), name: Type.String() }), coverUrl: N(Type.String()),
  scheduledStart: Type.String(), scheduledEnd: Type.String(), status: StatusSchema, approval: ApprovalSchema,
  platform: N(PlatformSchema), itemCount: Type.Integer(), reservationCount: Type.Integer(),
  startedAt: N(Type.String()), endedAt: N(Type.String()), updatedAt: Type.String(),
});

export const ListQuery = Type.Object({
  from: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'first day (Asia/Shanghai), default 7 days ago' })),
  to: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'last day (inclusive), default 30 days on' })),
  status: Type.Optional(StatusSchema),
  approval: Type.Optional(ApprovalSchema),
  kind: Type.Optional(KindSchema),
  countyCode: Type.Optional(Type.String({ pattern: '^[0-9]{2,6}$' })),
  hostUserId: Type.Optional(Id('only this host')),
  mine: Type.Optional(Type.Boolean({ description: 'only my own sessions (and practice sessions I mentor)' })),
});
export const SessionList = Type.Object({ items: Type.Array(SessionSummary), truncated: Type.Boolean() });

export const AddItemBody = Type.Object({
  skuId: Id('the SKU to sell'),
  livePriceFen: Fen,
  stock: Type.Integer({ minimum: 0, maximum: 100_000, description: 'units set aside for the session (moved out of the SKU stock)' }),
  slotMinute: Type.Optional(N(Type.Integer({ minimum: 0, maximum: 24 * 60 }))),
  slotMinutes: Type.Optional(N(Type.Integer({ minimum: 1, maximum: 24 * 60 }))),
  talkingPoints: Type.Optional(Type.String({ maxLength: 2000 })),
}, { additionalProperties: false });

export const UpdateItemBody = Type.Object({
  livePriceFen: Type.Optional(Fen),
  stock: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, description: 'the new amount set aside still unsold; the difference moves to or from the SKU stock' })),
  slotMinute: Type.Optional(N(Type.Integer({ minimum: 0, maximum: 24 * 60 }))),
  slotMinutes: Type.Optional(N(Type.Integer({ minimum: 1, maximum: 24 * 60 }))),
  talkingPoints: Type.Optional(Type.String({ maxLength: 2000 })),
}, { additionalProperties: false });

export const ReorderBody = Type.Object({
  itemIds: Type.Array(Id('item id'), { minItems: 1, maxItems: 100, description: 'every item of the run-of-show, in the new order' }),
}, { additionalProperties: false });

const SeenAt = Type.Optional(Type.String({ maxLength: 40, description: 'updatedAt of the session as the reviewer saw it; a later change refuses the decision (409 concurrent_change)' }));
export const ApproveBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })), expectedUpdatedAt: SeenAt }, { additionalProperties: false });
export const RejectBody = Type.Object({ note: Type.String({ minLength: 2, maxLength: 500, description: 'why, shown to the host' }), expectedUpdatedAt: SeenAt }, { additionalProperties: false });
export const CancelBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false });

export const StreamKeyView = Type.Object({
  sessionId: Type.String(), streamKey: Type.String(), ingestUrl: Type.String({ description: 'rtmp://<host>/live — the server field in OBS' }),
  fullUrl: Type.String({ description: 'ingest URL and key together, for phone apps that take one address' }), createdAt: Type.String(),
});

export const PublicSessionView = Type.Object({
  id: Type.String(), kind: KindSchema, title: Type.String(), description: Type.String(),
  host: Type.Object({ id: Type.String(), name: Type.String() }), coverUrl: N(Type.String()),
  scheduledStart: Type.String(), scheduledEnd: Type.String(), status: StatusSchema,
  platform: N(PlatformSchema), externalUrl: N(Type.String()), externalCode: N(Type.String()),
  startedAt: N(Type.String()), endedAt: N(Type.String()), hasReplay: Type.Boolean(),
  reservationCount: Type.Integer(), reserved: Type.Boolean({ description: 'whether the signed-in caller reserved' }),
  items: Type.Array(Type.Object({
    roomCode: Type.Integer(), productId: Type.String(), skuId: Type.String(), title: Type.String(), spec: Type.String(), unit: Type.String(),
    imageUrl: N(Type.String()), listPriceFen: Type.Integer(), livePriceFen: Type.Integer(), stockLeft: Type.Integer(),
  })),
});
export const PublicList = Type.Object({ live: Type.Array(SessionSummary), upcoming: Type.Array(SessionSummary) });
export const ReservationView = Type.Object({ reserved: Type.Boolean(), reservationCount: Type.Integer() });

export const ExternalSaleBody = Type.Object({
  label: Type.String({ minLength: 1, maxLength: 100, description: 'product as the platform names it' }),
  productId: Type.Optional(Id('our product, when known')),
  orders: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
  units: Type.Integer({ minimum: 0, maximum: 10_000_000 }),
  gmvFen: Type.Integer({ minimum: 0, maximum: 100_000_000_00 }),
}, { additionalProperties: false });
export const ExternalSaleView = Type.Object({
  id: Type.String(), productId: N(Type.String()), label: Type.String(), orders: Type.Integer(), units: Type.Integer(), gmvFen: Type.Integer(),
  source: lit(['manual', 'import'] as const), createdAt: Type.String(),
});
export const ImportView = Type.Object({ imported: Type.Integer(), replaced: Type.Integer(), gmvFen: Type.Integer(), sales: Type.Array(ExternalSaleView) });

export const ReportView = Type.Object({
  sessionId: Type.String(), title: Type.String(), kind: KindSchema, status: StatusSchema,
  startedAt: N(Type.String()), endedAt: N(Type.String()), durationMinutes: Type.Integer(),
  viewers: Type.Object({ peak: Type.Integer(), average: Type.Integer(), unique: Type.Integer(), watchMinutes: Type.Integer() }),
  comments: Type.Integer(), likes: Type.Integer(),
  orders: Type.Integer(), buyers: Type.Integer(), units: Type.Integer(), gmvFen: Type.Integer(), refundedFen: Type.Integer(),
  products: Type.Array(Type.Object({
    skuId: Type.String(), productId: Type.String(), roomCode: N(Type.Integer()), title: Type.String(), spec: Type.String(),
    orders: Type.Integer(), buyers: Type.Integer(), units: Type.Integer(), gmvFen: Type.Integer(),
    conversion: N(Type.Number({ description: 'buyers of this product per unique viewer' })),
  })),
  external: Type.Object({ orders: Type.Integer(), units: Type.Integer(), gmvFen: Type.Integer(), sales: Type.Array(ExternalSaleView) }),
});
