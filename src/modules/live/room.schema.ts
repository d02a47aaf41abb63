import { Type } from '@sinclair/typebox';
import { BAN_KINDS, BUY_OUTCOMES, COMMENT_STATUSES } from './room.tables.js';

/** Request and response schemas of the live room (buying, pins, flash sales, comments, likes, bans, figures). */

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const N = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const IdStr = (d: string) => Type.String({ maxLength: 80, description: d });

export const RoomParams = Type.Object({ sessionId: IdStr('session id') });
export const FlashSaleParams = Type.Object({ sessionId: IdStr('session id'), flashSaleId: IdStr('flash sale id') });
export const CommentParams = Type.Object({ sessionId: IdStr('session id'), commentId: IdStr('comment id') });
export const BanParams = Type.Object({ sessionId: IdStr('session id'), userId: IdStr('viewer user id') });
export const BanKindParams = Type.Object({ sessionId: IdStr('session id'), userId: IdStr('viewer user id'), kind: lit(BAN_KINDS) });
export const OptionalIdempotency = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9_\\-:.]+$', description: 'a fresh key per comment; a resent comment is posted (and bought) once' })),
});

export const LiveItemViewSchema = Type.Object({
  itemId: Type.String(), roomCode: Type.Integer(), productId: Type.String(), skuId: Type.String(), title: Type.String(), spec: Type.String(), unit: Type.String(),
  imageUrl: N(Type.String()), livePriceFen: Type.Integer(), listPriceFen: Type.Integer(), stockLeft: Type.Integer(),
});

export const FlashSaleView = Type.Object({
  saleId: Type.String(), itemId: Type.String(),
  status: lit(['draft', 'announced', 'open', 'closed'] as const),
  startsAt: N(Type.String({ description: 'the instant orders open; clients count down to it by their offset to the server clock' })),
  endsAt: N(Type.String()), priceFen: Type.Integer(), stockTotal: Type.Integer(), stockLeft: Type.Integer(), perBuyerLimit: Type.Integer(),
  leadSeconds: N(Type.Integer()), createdAt: Type.String(), closedAt: N(Type.String()), stockReturned: Type.Integer(),
});

export const CommentViewSchema = Type.Object({
  id: Type.String(), userLabel: Type.String({ description: 'masked name (张*)' }), text: Type.String(), at: Type.String(), fromHost: Type.Boolean(),
  status: lit(COMMENT_STATUSES), replyToId: N(Type.String()),
  userId: Type.Optional(Type.String({ description: 'to the host and the center only (to mute or ban)' })),
  flaggedWords: Type.Optional(Type.Array(Type.String())),
  buy: Type.Optional(Type.Object({ outcome: lit(BUY_OUTCOMES), roomCode: N(Type.Integer()), quantity: N(Type.Integer()) })),
});

export const RoomView = Type.Object({
  session: Type.Object({
    id: Type.String(), title: Type.String(), kind: Type.String(), status: lit(['scheduled', 'live', 'ended', 'cancelled'] as const),
    videoState: lit(['offline', 'receiving'] as const), startedAt: N(Type.String()), endedAt: N(Type.String()),
    scheduledStart: Type.String(), scheduledEnd: Type.String(), host: Type.Object({ id: Type.String(), name: Type.String() }), coverUrl: N(Type.String()),
  }),
  pinned: N(LiveItemViewSchema),
  items: Type.Array(LiveItemViewSchema),
  flashSale: N(FlashSaleView),
  comments: Type.Array(CommentViewSchema),
  likes: Type.Integer(),
  viewers: Type.Object({ now: Type.Integer(), peak: Type.Integer() }),
  me: N(Type.Object({ userId: Type.String(), canControl: Type.Boolean(), muted: Type.Boolean(), banned: Type.Boolean(), until: N(Type.String()) })),
  serverTime: Type.String({ description: 'the server clock when this answer was made' }),
});

export const LiveCheckoutBody = Type.Object({
  itemId: IdStr('run-of-show item'),
  quantity: Type.Integer({ minimum: 1, maximum: 999 }),
  addressId: IdStr('one of my addresses'),
  flashSaleId: Type.Optional(IdStr('buy at the flash sale price, from its stock')),
  note: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false, description: 'Prices are never sent: the live price (or flash sale price) is the server\'s.' });

export const PinBody = Type.Object({ itemId: N(IdStr('run-of-show item, or null to unpin')) }, { additionalProperties: false });
export const PinView = Type.Object({ item: N(LiveItemViewSchema) });

export const CreateFlashSaleBody = Type.Object({
  itemId: IdStr('run-of-show item'),
  priceFen: Type.Integer({ minimum: 1, maximum: 10_000_000, description: 'flash sale price, at most the live price' }),
  stock: Type.Integer({ minimum: 1, maximum: 100_000, description: 'set aside from the item now' }),
  perBuyerLimit: Type.Integer({ minimum: 1, maximum: 999 }),
}, { additionalProperties: false });
export const StartFlashSaleBody = Type.Object({
  leadSeconds: Type.Optional(Type.Integer({ minimum: 3, maximum: 60, description: 'seconds until it opens (default FLASH_SALE_LEAD_SECONDS)' })),
  durationSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 7200, description: 'closes to orders this long after opening' })),
}, { additionalProperties: false });
export const FlashSaleList = Type.Object({ items: Type.Array(FlashSaleView), leadSeconds: Type.Integer() });

export const CommentBody = Type.Object({
  text: Type.String({ minLength: 1, maxLength: 400 }),
  replyToId: Type.Optional(IdStr('the comment this answers (host and center)')),
}, { additionalProperties: false });
export const CommentBuyView = Type.Object({
  outcome: lit(BUY_OUTCOMES), roomCode: Type.Integer(), quantity: Type.Integer(), checkoutId: N(Type.String()), payUrl: N(Type.String()), text: Type.String(),
});
export const PostedComment = Type.Object({ comment: CommentViewSchema, buy: N(CommentBuyView) });
export const CommentsQuery = Type.Object({
  before: Type.Optional(IdStr('older than this comment')),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});

export const BanBody = Type.Object({
  kind: lit(BAN_KINDS),
  minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440, description: 'omit for the rest of the session' })),
  reason: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });
export const BanView = Type.Object({
  sessionId: Type.String(), userId: Type.String(), userLabel: Type.String(), kind: lit(BAN_KINDS), until: N(Type.String()), reason: Type.String(), createdAt: Type.String(),
});

export const LikeBody = Type.Object({ count: Type.Integer({ minimum: 1, maximum: 100, description: 'taps since the last batch' }) }, { additionalProperties: false });

export const FiguresView = Type.Object({
  sessionId: Type.String(), status: Type.String(),
  viewersNow: Type.Integer(), viewersPeak: Type.Integer(), uniqueViewers: Type.Integer(), watchMinutes: Type.Integer(), likes: Type.Integer(), comments: Type.Integer(),
  ordersPlaced: Type.Integer(), ordersPaid: Type.Integer(), placedFen: Type.Integer(), gmvFen: Type.Integer({ description: 'goods amount of paid orders' }),
  ordersLastMinute: Type.Integer(), ordersPerMinute: Type.Number({ description: 'orders placed per minute since going live' }),
  items: Type.Array(Type.Object({
    itemId: Type.String(), roomCode: Type.Integer(), title: Type.String(), spec: Type.String(), stockLeft: Type.Integer(),
    units: Type.Integer(), buyers: Type.Integer(), gmvFen: Type.Integer(), conversion: Type.Number({ description: 'distinct buyers / distinct viewers' }),
  })),
});
