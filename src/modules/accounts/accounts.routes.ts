import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Deps, ctxFromRequest } from '../../context.js';
import { SESSION_COOKIE } from '../../platform/http/access.js';
import { PageQuery, pageOf } from '../../platform/http/pagination.js';
import * as svc from './accounts.service.js';
import { AuthResult, CenterView, IdResult, MeView, Password, PersonName, Phone, RoleName, SessionView, UserView } from './accounts.schema.js';

const SMS_CODE = Type.String({ pattern: '^[0-9]{6}$' });
const Ok = Type.Object({ ok: Type.Literal(true) });

export function accountRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: deps.config.cookieSecure,
  };

  async function startSession(req: FastifyRequest, reply: FastifyReply, session: svc.NewSession) {
    reply.setCookie(SESSION_COOKIE, session.token, { ...cookieOptions, expires: new Date(session.expiresAt) });
    const resolved = await svc.resolveSession(deps, session.token);
    const ctx = { ...ctxFromRequest(deps, req), actor: resolved!.actor };
    return { user: await svc.me(ctx), csrfToken: session.csrfToken };
  }

  const loginLimit = {
    max: deps.config.rateLimitLoginPerMinute,
    timeWindow: 60_000,
    keyGenerator: (req: FastifyRequest) => `login:${req.ip}`,
  };

  return async (app) => {
    app.post('/auth/signup', {
      config: { access: 'public', rateLimit: loginLimit },
      schema: {
        tags: ['auth'], summary: 'Create a buyer account with phone and password',
        body: Type.Object({ phone: Phone, password: Password, name: PersonName }, { additionalProperties: false }),
        response: { 201: AuthResult },
      },
    }, async (req, reply) => {
      const session = await svc.signup(ctxFromRequest(deps, req), req.body, req.headers['user-agent'] ?? null);
      reply.status(201);
      return startSession(req, reply, session);
    });

    app.post('/auth/login', {
      config: { access: 'public', rateLimit: loginLimit },
      schema: {
        tags: ['auth'], summary: 'Sign in with phone and password',
        body: Type.Object({ phone: Phone, password: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
        response: { 200: AuthResult },
      },
    }, async (req, reply) => {
      const session = await svc.loginWithPassword(ctxFromRequest(deps, req), req.body, req.headers['user-agent'] ?? null);
      return startSession(req, reply, session);
    });

    app.post('/auth/sms/send', {
      config: {
        access: 'public',
        // Per address here; per phone (hour and day) in the service, where the body is known.
        rateLimit: { max: deps.config.rateLimitSmsPerHour * 4, timeWindow: 3_600_000, keyGenerator: (req: FastifyRequest) => `sms:${req.ip}` },
      },
      schema: {
        tags: ['auth'], summary: 'Send a 6-digit sign-in code by SMS',
        body: Type.Object({ phone: Phone }, { additionalProperties: false }),
        response: { 202: Type.Object({ expiresInSeconds: Type.Integer() }) },
      },
    }, async (req, reply) => {
      reply.status(202);
      return svc.sendSmsCode(ctxFromRequest(deps, req), req.body.phone);
    });

    app.post('/auth/sms/login', {
      config: { access: 'public', rateLimit: loginLimit },
      schema: {
        tags: ['auth'], summary: 'Sign in with an SMS code (creates a buyer account for a new number)',
        body: Type.Object({ phone: Phone, code: SMS_CODE }, { additionalProperties: false }),
        response: { 200: AuthResult },
      },
    }, async (req, reply) => {
      const session = await svc.loginWithSms(ctxFromRequest(deps, req), req.body, req.headers['user-agent'] ?? null);
      return startSession(req, reply, session);
    });

    app.post('/auth/logout', {
      config: { access: 'user' },
      schema: { tags: ['auth'], summary: 'Sign out this session', response: { 200: Ok } },
    }, async (req, reply) => {
      await svc.logout(ctxFromRequest(deps, req));
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return { ok: true as const };
    });

    app.get('/auth/me', {
      config: { access: 'user' },
      schema: { tags: ['auth'], summary: 'The signed-in user, its roles and the CSRF token', response: { 200: AuthResult } },
    }, async (req) => ({ user: await svc.me(ctxFromRequest(deps, req)), csrfToken: req.csrfToken! }));

    app.post('/auth/password', {
      config: { access: 'user' },
      schema: {
        tags: ['auth'], summary: 'Change (or set, after SMS sign-up) the password; signs out other sessions',
        body: Type.Object({ currentPassword: Type.Optional(Type.String({ maxLength: 128 })), newPassword: Password }, { additionalProperties: false }),
        response: { 200: Ok },
      },
    }, async (req) => {
      await svc.changePassword(ctxFromRequest(deps, req), req.body);
      return { ok: true as const };
    });

    app.get('/auth/sessions', {
      config: { access: 'user' },
      schema: { tags: ['auth'], summary: 'My signed-in devices', response: { 200: Type.Object({ items: Type.Array(SessionView) }) } },
    }, async (req) => ({ items: await svc.listSessions(ctxFromRequest(deps, req)) }));

    app.delete('/auth/sessions/:sessionId', {
      config: { access: 'user' },
      schema: { tags: ['auth'], summary: 'Sign out one of my devices', params: Type.Object({ sessionId: Type.String({ maxLength: 80 }) }), response: { 200: Ok } },
    }, async (req) => {
      await svc.revokeSession(ctxFromRequest(deps, req), req.params.sessionId);
      return { ok: true as const };
    });

    app.get('/users', {
      config: { access: ['center_admin'] },
      schema: {
        tags: ['users'], summary: 'Staff of my counties, or anyone by exact phone number',
        querystring: Type.Object({ ...PageQuery, phone: Type.Optional(Phone), role: Type.Optional(RoleName) }),
        response: { 200: pageOf(UserView) },
      },
    }, async (req) => svc.listUsers(ctxFromRequest(deps, req), { ...req.query, limit: req.query.limit ?? 20 }));

    app.post('/users', {
      config: { access: ['center_admin'] },
      schema: {
        tags: ['users'], summary: 'Create an account for someone (then grant roles)',
        body: Type.Object({ phone: Phone, name: PersonName, password: Password }, { additionalProperties: false }),
        response: { 201: IdResult },
      },
    }, async (req, reply) => {
      reply.status(201);
      return svc.createUser(ctxFromRequest(deps, req), req.body);
    });

    app.post('/users/:userId/roles', {
      config: { access: ['center_admin'] },
      schema: {
        tags: ['users'], summary: 'Grant a role, scoped to a county (or city/province), or to a supplier',
        params: Type.Object({ userId: Type.String({ maxLength: 80 }) }),
        body: Type.Object({
          role: RoleName,
          regionPrefix: Type.Optional(Type.String({ pattern: '^([0-9]{2}|[0-9]{4}|[0-9]{6})?$' })),
          supplierId: Type.Optional(Type.String({ maxLength: 80 })),
        }, { additionalProperties: false }),
        response: { 201: IdResult },
      },
    }, async (req, reply) => {
      reply.status(201);
      return svc.grantRole(ctxFromRequest(deps, req), req.params.userId, req.body);
    });

    app.delete('/users/:userId/roles/:grantId', {
      config: { access: ['center_admin'] },
      schema: {
        tags: ['users'], summary: 'Take a role away',
        params: Type.Object({ userId: Type.String({ maxLength: 80 }), grantId: Type.String({ maxLength: 80 }) }),
        response: { 200: Ok },
      },
    }, async (req) => {
      await svc.revokeRole(ctxFromRequest(deps, req), req.params.userId, req.params.grantId);
      return { ok: true as const };
    });

    app.post('/users/:userId/unlock', {
      config: { access: ['center_admin'] },
      schema: { tags: ['users'], summary: 'Unlock an account locked by wrong passwords', params: Type.Object({ userId: Type.String({ maxLength: 80 }) }), response: { 200: Ok } },
    }, async (req) => {
      await svc.unlockUser(ctxFromRequest(deps, req), req.params.userId);
      return { ok: true as const };
    });

    app.get('/centers', {
      config: { access: 'public' },
      schema: { tags: ['centers'], summary: 'The counties this deployment serves', response: { 200: Type.Object({ items: Type.Array(CenterView) }) } },
    }, async (req) => ({ items: await svc.listCenters(ctxFromRequest(deps, req)) }));

    app.post('/centers', {
      config: { access: ['center_admin'] },
      schema: {
        tags: ['centers'], summary: 'Add a county served by this deployment',
        body: Type.Object({ countyCode: Type.String({ pattern: '^[0-9]{6}$' }), name: Type.String({ minLength: 2, maxLength: 60 }) }, { additionalProperties: false }),
        response: { 201: IdResult },
      },
    }, async (req, reply) => {
      reply.status(201);
      return svc.createCenter(ctxFromRequest(deps, req), req.body);
    });
  };
}

export { MeView };
