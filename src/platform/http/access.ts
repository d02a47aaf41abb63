import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

export const ROLES = [
  'center_admin', 'operator', 'supplier', 'host', 'trainee', 'buyer', 'group_leader', 'village_cadre', 'official',
] as const;
export type Role = (typeof ROLES)[number];

/** Who may call a route: anyone, any signed-in user, or holders of the listed roles. */
export type Access = 'public' | 'user' | readonly Role[];

export interface Grant {
  id: string;
  role: Role;
  /** '' = whole deployment; 2 digits a province, 4 a city, 6 a county. */
  regionPrefix: string;
  supplierId: string | null;
}

export interface Actor {
  userId: string;
  name: string;
  phone: string;
  sessionId: string;
  grants: Grant[];
}

export interface ResolvedSession {
  actor: Actor;
  csrfToken: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    actor: Actor | null;
    csrfToken: string | null;
  }
}

export const SESSION_COOKIE = 'fs_session';
export const CSRF_HEADER = 'x-csrf-token';

export function hasAnyRole(actor: Actor | null, roles: readonly Role[]): boolean {
  return !!actor && actor.grants.some((g) => roles.includes(g.role));
}

/** True when one of the actor's grants for these roles covers the county. */
export function inScope(actor: Actor | null, countyCode: string, roles: readonly Role[]): boolean {
  return !!actor && actor.grants.some((g) => roles.includes(g.role) && countyCode.startsWith(g.regionPrefix));
}

/** The region prefixes the actor holds for these roles ('' means everywhere). */
export function scopePrefixes(actor: Actor | null, roles: readonly Role[]): string[] {
  if (!actor) return [];
  const prefixes = actor.grants.filter((g) => roles.includes(g.role)).map((g) => g.regionPrefix);
  return prefixes.includes('') ? [''] : [...new Set(prefixes)];
}

/** Supplier ids the actor acts for through the supplier role. */
export function supplierIdsOf(actor: Actor | null): string[] {
  if (!actor) return [];
  return actor.grants.filter((g) => g.role === 'supplier' && g.supplierId).map((g) => g.supplierId as string);
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the session cookie on every request, then enforces each route's declared
 * access and, for state-changing calls by a signed-in user, the CSRF token. Public
 * routes rely on the JSON-only body parser (a cross-site form cannot send JSON).
 */
export function installAccessControl(
  app: FastifyInstance,
  resolveSession: (token: string, req: FastifyRequest) => Promise<ResolvedSession | null>,
): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('csrfToken', null);

  app.addHook('onRoute', (route) => {
    const url = route.url ?? route.path;
    if (url.startsWith('/api/v1') && route.config?.access === undefined) {
      throw new Error(`route ${String(route.method)} ${url} does not declare config.access`);
    }
  });

  app.addHook('onRequest', async (req) => {
    const token = req.cookies?.[SESSION_COOKIE];
    if (!token) return;
    const resolved = await resolveSession(token, req);
    if (resolved) {
      req.actor = resolved.actor;
      req.csrfToken = resolved.csrfToken;
    }
  });

  // preValidation, not preHandler: a caller without the right role learns nothing from
  // field-level validation errors, and is refused before the body is looked at.
  app.addHook('preValidation', (req, _reply, done) => done(refusal(req)));
}

/** Why this request may not reach its handler, or undefined when it may. */
function refusal(req: FastifyRequest): AppError | undefined {
  const access = req.routeOptions.config?.access;
  if (access === undefined || access === 'public') return undefined;
  if (!req.actor) return new AppError(401, 'unauthenticated', 'Please sign in first');
  if (!SAFE_METHODS.has(req.method)) {
    const sent = req.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !req.csrfToken || !safeEqual(sent, req.csrfToken)) {
      return new AppError(403, 'csrf_failed', `Missing or wrong ${CSRF_HEADER} header; reload the page and try again`);
    }
  }
  if (access !== 'user' && !hasAnyRole(req.actor, access)) {
    return new AppError(403, 'forbidden', `This needs one of the roles: ${access.join(', ')}`, [], { requiredRoles: access });
  }
  return undefined;
}
