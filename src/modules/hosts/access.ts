import type { Ctx } from '../../context.js';
import { type Role, hasAnyRole, inScope } from '../../platform/http/access.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import type { HostProfileTable } from './hosts.tables.js';

/** Who runs the roster: the county's center. */
export const CENTER: readonly Role[] = ['center_admin', 'operator'];
/** Who reads a county's roster and figures: the center and the county's officials. */
export const READERS: readonly Role[] = ['center_admin', 'operator', 'official'];

export function isSelf(ctx: Ctx, hostUserId: string): boolean {
  return hasAnyRole(ctx.actor, ['host']) && ctx.actor!.userId === hostUserId;
}

/** Whether the user holds the host role for the county (a grant whose prefix covers it). */
export async function isHostIn(ctx: Ctx, userId: string, countyCode: string): Promise<boolean> {
  const grants = await ctx.db.selectFrom('role_grant').select('region_prefix').where('user_id', '=', userId).where('role', '=', 'host').execute();
  return grants.some((g) => countyCode.startsWith(g.region_prefix));
}

export async function loadProfile(ctx: Ctx, hostUserId: string): Promise<HostProfileTable | undefined> {
  return ctx.db.selectFrom('host_profile').selectAll().where('host_user_id', '=', hostUserId).executeTakeFirst();
}

/**
 * The profile a caller may read: the host itself, or the center and officials of its county.
 * Anyone else (another county, another host) gets 404, as if it did not exist.
 */
export async function readableProfile(ctx: Ctx, hostUserId: string, roles: readonly Role[] = READERS): Promise<HostProfileTable> {
  const p = await loadProfile(ctx, hostUserId);
  if (!p || (!isSelf(ctx, hostUserId) && !inScope(ctx.actor, p.county_code, roles))) throw notFound('Host profile');
  return p;
}

/** A profile the center of its county may change (the host itself too when `selfAllowed`). */
export async function editableProfile(ctx: Ctx, hostUserId: string, selfAllowed: boolean): Promise<HostProfileTable> {
  const p = await loadProfile(ctx, hostUserId);
  if (!p) {
    if (isSelf(ctx, hostUserId)) throw new AppError(409, 'no_profile', 'Your host profile has not been set up yet; ask the service center to add you to the roster');
    throw notFound('Host profile');
  }
  if (inScope(ctx.actor, p.county_code, CENTER)) return p;
  if (selfAllowed && isSelf(ctx, hostUserId)) return p;
  if (isSelf(ctx, hostUserId) || inScope(ctx.actor, p.county_code, READERS)) throw new AppError(403, 'forbidden', 'Only the service center can change this');
  throw notFound('Host profile');
}
