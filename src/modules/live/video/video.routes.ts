import { timingSafeEqual } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Deps, ctxFromRequest } from '../../../context.js';
import { AppError } from '../../../platform/http/errors.js';
import { authorizePublish, sendHls, sendReplay, setVideoState, streamVideo } from './video.service.js';

const SessionParams = Type.Object({ sessionId: Type.String({ maxLength: 80, description: 'live session id' }) });
const Binary = (description: string) => Type.String({ format: 'binary', description });

/**
 * What an external media server sends to its publish callbacks. SRS posts JSON
 * (`action`: on_publish / on_unpublish, `app`, `stream`, `param`); nginx-rtmp and
 * nginx-http-flv post a form (`call`: publish / publish_done, `app`, `name`, `addr`); Tencent Cloud
 * CSS posts stream events (`event_type` 1/0, `stream_id`).
 */
const HookBody = Type.Object({
  action: Type.Optional(Type.String({ maxLength: 40 })),
  call: Type.Optional(Type.String({ maxLength: 40 })),
  app: Type.Optional(Type.String({ maxLength: 200 })),
  stream: Type.Optional(Type.String({ maxLength: 200 })),
  name: Type.Optional(Type.String({ maxLength: 200 })),
  ip: Type.Optional(Type.String({ maxLength: 100 })),
  addr: Type.Optional(Type.String({ maxLength: 100 })),
  /** Tencent Cloud CSS stream events: 1 = push started, 0 = push stopped. */
  event_type: Type.Optional(Type.Integer()),
  stream_id: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: true });
const HookQuery = Type.Object({ token: Type.String({ maxLength: 200, description: 'MEDIA_HOOK_TOKEN' }) });
const HookOk = Type.Object({ code: Type.Literal(0, { description: 'SRS reads 0 as "allow"' }) });

function sameSecret(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export function videoRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/live/sessions/:sessionId/video.flv', {
      config: { access: 'public' },
      schema: {
        tags: ['live'],
        summary: "The session's live video as HTTP-FLV (for mpegts.js), read from the internal media server; the stream key is never shown. Same visibility as the session (practice: host, mentors, center). A problem (409 video_offline, session_not_live, session_ended…) when there is nothing to show",
        params: SessionParams, produces: ['video/x-flv'], response: { 200: Binary('an endless FLV stream') },
      },
    }, async (req, reply) => streamVideo(ctxFromRequest(deps, req), req, reply, req.params.sessionId));

    app.get('/live/sessions/:sessionId/hls/:file', {
      config: { access: 'public' },
      schema: {
        tags: ['live'],
        summary: "The live video as HLS (index.m3u8 and its 1-s segments) for players without Media Source Extensions (older iPhones, some in-app browsers); built-in media server only, a few seconds more delay than video.flv. Same checks as video.flv",
        params: Type.Object({ sessionId: SessionParams.properties.sessionId, file: Type.String({ pattern: '^(index\\.m3u8|[0-9]{1,9}\\.ts)$', description: 'index.m3u8 or a segment' }) }),
        produces: ['application/vnd.apple.mpegurl', 'video/mp2t'], response: { 200: Binary('the playlist or a segment') },
      },
    }, async (req, reply) => sendHls(ctxFromRequest(deps, req), reply, req.params.sessionId, req.params.file));

    app.get('/live/sessions/:sessionId/replay', {
      config: { access: 'public' },
      schema: {
        tags: ['live'],
        summary: 'The recording of an ended hosted or practice session (MP4), with byte ranges, to whoever may see the session',
        params: SessionParams, produces: ['video/mp4'], response: { 200: Binary('the replay'), 206: Binary('part of the replay') },
      },
    }, async (req, reply) => sendReplay(ctxFromRequest(deps, req), req, reply, req.params.sessionId));

    // nginx-rtmp posts its callbacks as a form; JSON (SRS) is parsed as everywhere else.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8192 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });

    app.post('/live/media/hook', {
      config: { access: 'public' },
      schema: {
        tags: ['live'],
        summary: "An external media server's publish callback (MEDIA_SERVER=external): asks whether a stream key may publish, and reports when a publish ends. Authenticated by MEDIA_HOOK_TOKEN; a refused key answers 403",
        querystring: HookQuery, body: HookBody, response: { 200: HookOk },
      },
    }, async (req) => {
      const token = deps.config.media.hookToken;
      if (deps.media.kind !== 'external' || !token) throw new AppError(404, 'not_found', 'No external media server is configured');
      if (!sameSecret(req.query.token, token)) {
        req.log.warn({ event: 'live.hook.bad_token' }, 'media hook with a wrong token');
        throw new AppError(403, 'bad_hook_token', 'Wrong token');
      }
      const b = req.body;
      const action = b.event_type === 1 ? 'publish' : b.event_type === 0 ? 'unpublish' : (b.action ?? b.call ?? '').replace(/^on_/, '');
      const key = String(b.stream ?? b.name ?? b.stream_id ?? '').split('?')[0]!;
      const remote = b.ip ?? b.addr ?? '';
      if (action === 'publish') {
        const decision = await authorizePublish(deps, key, { protocol: 'external', remote, app: b.app ?? '' });
        if (!decision.ok) throw new AppError(403, 'publish_refused', 'This stream key may not publish', [], { reason: decision.reason });
        await setVideoState(deps, decision.sessionId, 'receiving');
        return { code: 0 as const };
      }
      if (action === 'unpublish' || action === 'publish_done') {
        const row = await deps.db.selectFrom('live_stream_key').select('session_id').where('stream_key', '=', key).executeTakeFirst();
        if (row) await setVideoState(deps, row.session_id, 'offline');
      }
      return { code: 0 as const };
    });
  };
}
