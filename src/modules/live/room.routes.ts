import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { type Deps, ctxFromRequest } from '../../context.js';
import type { Role } from '../../platform/http/access.js';
import { buyByComment, placeLiveCheckout } from '../../flows/live-checkout.js';
import { CheckoutView, IdempotencyHeaders } from '../orders/orders.schema.js';
import * as room from './room.service.js';
import * as flash from './room.flash.js';
import * as chat from './room.comments.js';
import {
  BanBody, BanKindParams, BanParams, BanView, CommentBody, CommentParams, CommentsQuery, CommentViewSchema, CreateFlashSaleBody, FiguresView,
  FlashSaleList, FlashSaleParams, FlashSaleView, LikeBody, LiveCheckoutBody, OptionalIdempotency, PinBody, PinView, PostedComment, RoomParams, RoomView,
  StartFlashSaleBody,
} from './room.schema.js';

/** Host of the session (a trainee hosts practice sessions) or the county's center; the service checks which session. */
const CONTROL = ['host', 'trainee', 'center_admin', 'operator'] as const satisfies readonly Role[];
const FIGURES = [...CONTROL, 'official'] as const satisfies readonly Role[];
const BUYER = ['buyer'] as const satisfies readonly Role[];
const tags = ['live room'];
const Ok = Type.Object({ ok: Type.Literal(true) });

/** Rate limits per viewer and room (after sign-in is resolved, so the key is the user, not the address). */
const perViewer = (name: string, max: number) => ({
  max, timeWindow: 60_000, hook: 'preHandler' as const,
  keyGenerator: (req: FastifyRequest) => `${name}:${req.actor?.userId ?? req.ip}:${(req.params as { sessionId?: string }).sessionId ?? ''}`,
});

/** The live room: buying, pins, flash sales, comments (and comment-to-buy), likes, mutes and bans, live figures. */
export function liveRoomRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/live/sessions/:sessionId/room', {
      config: { access: 'public' },
      schema: { tags, summary: 'The room as a viewer opens it: pinned product, product bag, flash sale, recent comments, figures, server time', params: RoomParams, response: { 200: RoomView } },
    }, async (req) => room.getRoom(ctxFromRequest(deps, req), req.params.sessionId));

    app.post('/live/sessions/:sessionId/checkouts', {
      config: { access: BUYER },
      schema: {
        tags, summary: 'Buy a run-of-show item at its live price (or in a flash sale) while the session is live; stock reserved from the session (Idempotency-Key required)',
        params: RoomParams, headers: IdempotencyHeaders, body: LiveCheckoutBody, response: { 201: CheckoutView, 200: CheckoutView },
      },
    }, async (req, reply) => {
      const result = await placeLiveCheckout(ctxFromRequest(deps, req), req.params.sessionId, req.body, req.headers['idempotency-key']);
      reply.status(result.replayed ? 200 : 201).header('idempotent-replayed', String(result.replayed));
      return result.checkout;
    });

    app.put('/live/sessions/:sessionId/pin', {
      config: { access: CONTROL },
      schema: { tags, summary: 'Pin a run-of-show item (讲解中), or unpin with null', params: RoomParams, body: PinBody, response: { 200: PinView } },
    }, async (req) => room.setPinned(ctxFromRequest(deps, req), req.params.sessionId, req.body.itemId));

    // ---- flash sales
    app.get('/live/sessions/:sessionId/flash-sales', {
      config: { access: CONTROL },
      schema: { tags, summary: "The session's flash sales, newest first", params: RoomParams, response: { 200: FlashSaleList } },
    }, async (req) => flash.listFlashSales(ctxFromRequest(deps, req), req.params.sessionId));
    app.post('/live/sessions/:sessionId/flash-sales', {
      config: { access: CONTROL },
      schema: { tags, summary: 'Prepare a flash sale: its stock is set aside from the item now', params: RoomParams, body: CreateFlashSaleBody, response: { 201: FlashSaleView } },
    }, async (req, reply) => { reply.status(201); return flash.createFlashSale(ctxFromRequest(deps, req), req.params.sessionId, req.body); });
    app.post('/live/sessions/:sessionId/flash-sales/:flashSaleId/start', {
      config: { access: CONTROL },
      schema: { tags, summary: 'Announce the flash sale: it opens leadSeconds from now, the same instant for every viewer', params: FlashSaleParams, body: StartFlashSaleBody, response: { 200: FlashSaleView } },
    }, async (req) => flash.startFlashSale(ctxFromRequest(deps, req), req.params.sessionId, req.params.flashSaleId, req.body));
    app.post('/live/sessions/:sessionId/flash-sales/:flashSaleId/close', {
      config: { access: CONTROL },
      schema: { tags, summary: 'Close the flash sale: what is left goes back to the item', params: FlashSaleParams, response: { 200: FlashSaleView } },
    }, async (req) => flash.closeFlashSale(ctxFromRequest(deps, req), req.params.sessionId, req.params.flashSaleId));

    // ---- comments
    app.get('/live/sessions/:sessionId/comments', {
      config: { access: 'public' },
      schema: { tags, summary: 'Comments, newest last (host and center also see held and hidden ones)', params: RoomParams, querystring: CommentsQuery, response: { 200: Type.Object({ items: Type.Array(CommentViewSchema) }) } },
    }, async (req) => {
      const ctx = ctxFromRequest(deps, req);
      const s = await room.loadRoomSession(ctx, req.params.sessionId);
      await room.assertCanView(ctx, s);
      return { items: await room.recentComments(ctx, s, { before: req.query.before, limit: req.query.limit ?? 50 }) };
    });
    app.post('/live/sessions/:sessionId/comments', {
      config: { access: 'user', rateLimit: perViewer('comment', deps.config.liveCommentsPerMinute) },
      schema: {
        tags, summary: 'Comment (a room code and quantity such as "3号 2份" also reserves it: see docs/live-room.md)',
        params: RoomParams, headers: OptionalIdempotency, body: CommentBody, response: { 201: PostedComment, 200: PostedComment },
      },
    }, async (req, reply) => {
      const ctx = ctxFromRequest(deps, req);
      const posted = await chat.postComment(ctx, req.params.sessionId, req.body, req.headers['idempotency-key'] ?? null);
      let buy: Awaited<ReturnType<typeof buyByComment>> = null;
      // A replay whose first attempt never recorded its outcome (it failed after the comment was
      // posted) buys again: the checkout's key (comment:<id>) answers the checkout it may have
      // placed, so this never reserves twice.
      const unfinished = !posted.replayed || !posted.comment.buy_outcome;
      if (unfinished && posted.comment.status === 'visible' && posted.comment.author_kind === 'viewer') {
        buy = await buyByComment(ctx, posted.session, posted.comment.id, posted.comment.text);
      }
      const view = await chat.loadCommentView(ctx, posted.session, posted.comment.id);
      if (posted.replayed && posted.comment.buy_outcome) {
        buy = {
          outcome: posted.comment.buy_outcome, roomCode: posted.comment.buy_room_code ?? 0, quantity: posted.comment.buy_quantity ?? 0, checkoutId: posted.comment.checkout_id,
          payUrl: posted.comment.checkout_id ? `/pay/${posted.comment.checkout_id}` : null, text: '',
        };
      }
      reply.status(posted.replayed ? 200 : 201);
      return { comment: view, buy };
    });
    app.post('/live/sessions/:sessionId/comments/:commentId/hide', {
      config: { access: CONTROL },
      schema: { tags, summary: 'Take a comment down', params: CommentParams, response: { 200: CommentViewSchema } },
    }, async (req) => chat.moderateComment(ctxFromRequest(deps, req), req.params.sessionId, req.params.commentId, 'hide'));
    app.post('/live/sessions/:sessionId/comments/:commentId/show', {
      config: { access: CONTROL },
      schema: { tags, summary: 'Show a comment the word filter held (or one hidden by mistake)', params: CommentParams, response: { 200: CommentViewSchema } },
    }, async (req) => chat.moderateComment(ctxFromRequest(deps, req), req.params.sessionId, req.params.commentId, 'show'));

    // ---- likes
    app.post('/live/sessions/:sessionId/likes', {
      config: { access: 'user', rateLimit: perViewer('like', 120) },
      schema: { tags, summary: 'Send taps on the heart (batched)', params: RoomParams, body: LikeBody, response: { 200: Type.Object({ total: Type.Integer() }) } },
    }, async (req) => chat.like(ctxFromRequest(deps, req), req.params.sessionId, req.body.count));

    // ---- mutes and bans
    app.get('/live/sessions/:sessionId/bans', {
      config: { access: CONTROL },
      schema: { tags, summary: 'Viewers muted or banned now', params: RoomParams, response: { 200: Type.Object({ items: Type.Array(BanView) }) } },
    }, async (req) => chat.listBans(ctxFromRequest(deps, req), req.params.sessionId));
    app.put('/live/sessions/:sessionId/bans/:userId', {
      config: { access: CONTROL },
      schema: { tags, summary: 'Mute (no comments) or ban (no comments, no buying, socket closed) a viewer, for minutes or the session', params: BanParams, body: BanBody, response: { 200: BanView } },
    }, async (req) => chat.setBan(ctxFromRequest(deps, req), req.params.sessionId, req.params.userId, req.body));
    app.delete('/live/sessions/:sessionId/bans/:userId/:kind', {
      config: { access: CONTROL },
      schema: { tags, summary: 'Lift a mute or a ban', params: BanKindParams, response: { 200: Ok } },
    }, async (req) => chat.liftBan(ctxFromRequest(deps, req), req.params.sessionId, req.params.userId, req.params.kind));

    // ---- figures
    app.get('/live/sessions/:sessionId/figures', {
      config: { access: FIGURES },
      schema: { tags, summary: 'Live figures for the host console: viewers, GMV, orders per minute, conversion per product', params: RoomParams, response: { 200: FiguresView } },
    }, async (req) => room.liveFigures(ctxFromRequest(deps, req), req.params.sessionId));
  };
}
