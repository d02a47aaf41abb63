import type { Ctx } from '../../context.js';
import { type Role, inScope, scopePrefixes } from '../../platform/http/access.js';
import { notFound } from '../../platform/http/errors.js';
import { lockRow } from '../../platform/db/lock.js';
import type { StaffRole, TrainingCohortTable, TrainingCourseTable } from './training.tables.js';

/** Who runs training in a county: its service center. */
export const CENTER: readonly Role[] = ['center_admin', 'operator'];

export const isCenter = (ctx: Ctx, countyCode: string) => inScope(ctx.actor, countyCode, CENTER);
export const centerPrefixes = (ctx: Ctx) => scopePrefixes(ctx.actor, CENTER);

/** A course the center of its county may edit; anyone else's answer is 404. */
export async function courseForCenter(ctx: Ctx, courseId: string): Promise<TrainingCourseTable> {
  const c = await ctx.db.selectFrom('training_course').selectAll().where('id', '=', courseId).executeTakeFirst();
  if (!c || !isCenter(ctx, c.county_code)) throw notFound('Course');
  return c;
}

/**
 * `lock`: for a transaction that looks and then acts on the cohort's seats, waitlist, staff or
 * certificates. Such writes take turns on the cohort's row (see lockRow), so an enrolment
 * into a full cohort and a withdrawal, or two instructors named at once, cannot each act on
 * what the other has not committed yet.
 */
export async function cohortRow(ctx: Ctx, cohortId: string, lock: 'lock' | 'read' = 'read'): Promise<TrainingCohortTable | undefined> {
  if (lock === 'lock') await lockRow(ctx.db, 'training_cohort', cohortId);
  return ctx.db.selectFrom('training_cohort').selectAll().where('id', '=', cohortId).executeTakeFirst();
}

export async function cohortForCenter(ctx: Ctx, cohortId: string, lock: 'lock' | 'read' = 'read'): Promise<TrainingCohortTable> {
  const c = await cohortRow(ctx, cohortId, lock);
  if (!c || !isCenter(ctx, c.county_code)) throw notFound('Cohort');
  return c;
}

/** The actor's role on a cohort's staff, or null. */
export async function staffRole(ctx: Ctx, cohortId: string): Promise<StaffRole | null> {
  if (!ctx.actor) return null;
  const row = await ctx.db.selectFrom('training_cohort_staff').select('role').where('cohort_id', '=', cohortId).where('user_id', '=', ctx.actor.userId).executeTakeFirst();
  return row?.role ?? null;
}

/**
 * A cohort its teaching staff or its county's center may work with. A mentor of another
 * cohort gets 404, as if the cohort did not exist.
 */
export async function cohortForStaff(ctx: Ctx, cohortId: string): Promise<{ cohort: TrainingCohortTable; center: boolean; role: StaffRole | null }> {
  const cohort = await cohortRow(ctx, cohortId);
  if (!cohort) throw notFound('Cohort');
  const center = isCenter(ctx, cohort.county_code);
  const role = await staffRole(ctx, cohortId);
  if (!center && !role) throw notFound('Cohort');
  return { cohort, center, role };
}

/** The actor's seat in a cohort (status enrolled), or undefined. */
export async function myEnrolment(ctx: Ctx, cohortId: string) {
  if (!ctx.actor) return undefined;
  return ctx.db.selectFrom('training_enrolment').selectAll().where('cohort_id', '=', cohortId).where('user_id', '=', ctx.actor.userId).executeTakeFirst();
}
