import type { Ctx } from '../../context.js';
import { inTransaction } from '../../context.js';
import { inScope } from '../../platform/http/access.js';
import { invalid, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids.js';
import { maskPhone } from '../../platform/mask.js';
import { bizDate, isValidDate, nowIso } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import { regionLabel } from '../regions/index.js';
import { CENTER, READERS } from './access.js';
import type { FunnelStage } from './hosts.tables.js';

/**
 * The funnel the county watches, per enrolment (a person in a cohort), each step nested in the
 * one before: enrolled (got a seat) → attended at least 80 % of the cohort's meetings →
 * certified in that cohort → ran a first real (non-practice) live session → still selling 30
 * and 90 days after it (a real session started, or an order of theirs paid, on or after that
 * day). A person whose day 30 or 90 has not come yet is counted as pending, not as lost.
 */
export const FUNNEL_STEPS = ['enrolled', 'attended', 'certified', 'first_live', 'active_30', 'active_90'] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];
export const ATTENDANCE_THRESHOLD = 0.8;
export const GROUPINGS = ['cohort', 'township', 'age_band', 'gender'] as const;
export type Grouping = (typeof GROUPINGS)[number];

/** Why people stop, as the center codes it at follow-up calls (labels in the web catalogues). */
export const DROPOUT_REASONS = [
  'no_time', 'family_care', 'farm_work', 'low_income', 'camera_shy', 'no_equipment', 'poor_network',
  'left_county', 'health', 'found_job', 'lost_interest', 'other',
] as const;
export type DropoutReason = (typeof DROPOUT_REASONS)[number];

const DAY = 86_400_000;

export interface FunnelPerson {
  enrolmentId: string;
  userId: string;
  cohortId: string;
  cohortName: string;
  name: string;
  phone: string;
  gender: string;
  ageBand: string;
  townshipCode: string;
  attendancePct: number;
  firstLiveAt: string | null;
  reached: Record<FunnelStep, boolean>;
  pending: { active_30: boolean; active_90: boolean };
}

export interface FunnelFilter {
  countyCode: string;
  cohortId?: string | undefined;
  /** Cohorts starting in this range of dates. */
  from?: string | undefined;
  to?: string | undefined;
}

/** Every enrolment of the filter with the steps it reached, computed from the training, live and orders tables. */
export async function funnelPeople(ctx: Ctx, f: FunnelFilter, now = new Date()): Promise<FunnelPerson[]> {
  let q = ctx.db.selectFrom('training_enrolment as e').innerJoin('training_cohort as c', 'c.id', 'e.cohort_id')
    .select(['e.id', 'e.user_id', 'e.cohort_id', 'c.name as cohort_name', 'e.name', 'e.phone', 'e.gender', 'e.age_band', 'e.township_code'])
    .where('c.county_code', '=', f.countyCode).where('e.enrolled_at', 'is not', null);
  if (f.cohortId) q = q.where('c.id', '=', f.cohortId);
  if (f.from) q = q.where('c.starts_on', '>=', f.from);
  if (f.to) q = q.where('c.starts_on', '<=', f.to);
  const enrolments = await q.orderBy('c.starts_on').orderBy('e.id').execute();
  if (!enrolments.length) return [];
  const cohortIds = [...new Set(enrolments.map((e) => e.cohort_id))];
  const userIds = [...new Set(enrolments.map((e) => e.user_id))];
  const [meetings, attendance, certificates, sessions, orders] = await Promise.all([
    ctx.db.selectFrom('training_meeting').select((eb) => ['cohort_id', eb.fn.countAll<number>().as('n')]).where('cohort_id', 'in', cohortIds).groupBy('cohort_id').execute(),
    ctx.db.selectFrom('training_attendance').select((eb) => ['cohort_id', 'user_id', eb.fn.countAll<number>().as('n')]).where('cohort_id', 'in', cohortIds).groupBy(['cohort_id', 'user_id']).execute(),
    ctx.db.selectFrom('training_certificate').select(['cohort_id', 'user_id']).where('cohort_id', 'in', cohortIds).execute(),
    ctx.db.selectFrom('live_session').select(['host_user_id', 'started_at']).where('host_user_id', 'in', userIds).where('kind', '!=', 'practice')
      .where('status', 'in', ['live', 'ended']).where('started_at', 'is not', null).execute(),
    ctx.db.selectFrom('shop_order').select(['host_user_id', 'paid_at']).where('host_user_id', 'in', userIds).where('paid_at', 'is not', null).execute(),
  ]);
  const meetingsOf = new Map(meetings.map((m) => [m.cohort_id, Number(m.n)]));
  const attended = new Map(attendance.map((a) => [`${a.cohort_id}|${a.user_id}`, Number(a.n)]));
  const certified = new Set(certificates.map((c) => `${c.cohort_id}|${c.user_id}`));
  const times = new Map<string, { sessions: number[]; activity: number[] }>();
  for (const s of sessions) {
    const t = times.get(s.host_user_id) ?? { sessions: [], activity: [] };
    t.sessions.push(Date.parse(s.started_at!));
    t.activity.push(Date.parse(s.started_at!));
    times.set(s.host_user_id, t);
  }
  for (const o of orders) {
    const t = times.get(o.host_user_id!) ?? { sessions: [], activity: [] };
    t.activity.push(Date.parse(o.paid_at!));
    times.set(o.host_user_id!, t);
  }
  const nowMs = now.getTime();
  return enrolments.map((e) => {
    const total = meetingsOf.get(e.cohort_id) ?? 0;
    const came = attended.get(`${e.cohort_id}|${e.user_id}`) ?? 0;
    const pct = total > 0 ? came / total : 0;
    const t = times.get(e.user_id);
    const first = t && t.sessions.length ? Math.min(...t.sessions) : null;
    const activeAfter = (days: number) => first !== null && t!.activity.some((a) => a >= first + days * DAY);
    const due = (days: number) => first !== null && nowMs >= first + days * DAY;
    const reached = {} as Record<FunnelStep, boolean>;
    reached.enrolled = true;
    reached.attended = total > 0 && pct >= ATTENDANCE_THRESHOLD;
    reached.certified = reached.attended && certified.has(`${e.cohort_id}|${e.user_id}`);
    reached.first_live = reached.certified && first !== null;
    reached.active_30 = reached.first_live && activeAfter(30);
    reached.active_90 = reached.active_30 && activeAfter(90);
    return {
      enrolmentId: e.id, userId: e.user_id, cohortId: e.cohort_id, cohortName: e.cohort_name, name: e.name, phone: e.phone,
      gender: e.gender, ageBand: e.age_band, townshipCode: e.township_code, attendancePct: Math.round(pct * 1000) / 10,
      firstLiveAt: first === null ? null : new Date(first).toISOString(), reached,
      pending: { active_30: reached.first_live && !reached.active_30 && !due(30), active_90: reached.active_30 && !reached.active_90 && !due(90) },
    };
  });
}

function tally(people: FunnelPerson[]) {
  const counts = Object.fromEntries(FUNNEL_STEPS.map((s) => [s, people.filter((p) => p.reached[s]).length])) as Record<FunnelStep, number>;
  const conversion = Object.fromEntries(FUNNEL_STEPS.map((s, i) => {
    if (i === 0) return [s, null];
    const prev = counts[FUNNEL_STEPS[i - 1]!];
    return [s, prev > 0 ? Math.round((counts[s] / prev) * 10_000) / 10_000 : null];
  })) as Record<FunnelStep, number | null>;
  const pending = { active_30: people.filter((p) => p.pending.active_30).length, active_90: people.filter((p) => p.pending.active_90).length };
  return { total: people.length, counts, conversion, pending };
}

function groupKey(ctx: Ctx, p: FunnelPerson, by: Grouping): { key: string; label: string } {
  if (by === 'cohort') return { key: p.cohortId, label: p.cohortName };
  if (by === 'township') return { key: p.townshipCode, label: regionLabel(ctx.deps.regions, p.townshipCode, 'township') || p.townshipCode };
  if (by === 'age_band') return { key: p.ageBand, label: p.ageBand };
  return { key: p.gender, label: p.gender };
}

/** The funnel of a county (optionally one cohort or cohorts starting in a date range), overall and by each grouping, with the coded dropout reasons. */
export async function funnel(ctx: Ctx, f: FunnelFilter) {
  if (f.from && !isValidDate(f.from)) throw invalid('/query/from', 'Not a calendar date');
  if (f.to && !isValidDate(f.to)) throw invalid('/query/to', 'Not a calendar date');
  if (!inScope(ctx.actor, f.countyCode, READERS)) throw notFound('County');
  const people = await funnelPeople(ctx, f);
  const groups = Object.fromEntries(GROUPINGS.map((by) => {
    const m = new Map<string, { key: string; label: string; people: FunnelPerson[] }>();
    for (const p of people) {
      const k = groupKey(ctx, p, by);
      const g = m.get(k.key) ?? { ...k, people: [] };
      g.people.push(p);
      m.set(k.key, g);
    }
    return [by, [...m.values()].map((g) => ({ key: g.key, label: g.label, ...tally(g.people) })).sort((a, b) => a.key.localeCompare(b.key))];
  })) as Record<Grouping, ({ key: string; label: string } & ReturnType<typeof tally>)[]>;
  const ids = people.map((p) => p.enrolmentId);
  const followups = ids.length ? await ctx.db.selectFrom('host_followup').select(['reason_code', 'stage', 'enrolment_id']).where('county_code', '=', f.countyCode).where('enrolment_id', 'in', ids).orderBy('id').execute() : [];
  // One person may be called more than once: the latest call's reason counts.
  const latest = new Map<string, { reason_code: string; stage: FunnelStage }>();
  for (const fu of followups) latest.set(fu.enrolment_id, fu);
  const reasons = DROPOUT_REASONS.map((code) => {
    const rows = [...latest.values()].filter((r) => r.reason_code === code);
    return { code, count: rows.length, byStage: Object.fromEntries(['attended', 'certified', 'first_live', 'active_30', 'active_90'].map((s) => [s, rows.filter((r) => r.stage === s).length])) };
  });
  return { countyCode: f.countyCode, cohortId: f.cohortId ?? null, steps: [...FUNNEL_STEPS], threshold: ATTENDANCE_THRESHOLD, overall: tally(people), groups, reasons, followedUp: latest.size };
}

/** Where a person stopped: the first step not reached (null for someone who got through, or is pending). */
export function stoppedBefore(p: FunnelPerson): FunnelStage | null {
  for (const s of FUNNEL_STEPS.slice(1) as FunnelStage[]) {
    if (!p.reached[s]) return (s === 'active_30' && p.pending.active_30) || (s === 'active_90' && p.pending.active_90) ? null : s;
  }
  return null;
}

/** The people of the funnel with where each stopped and their last follow-up; phones in full for the center only. */
export async function funnelPeopleView(ctx: Ctx, f: FunnelFilter & { stoppedBefore?: FunnelStage | undefined }) {
  if (!inScope(ctx.actor, f.countyCode, READERS)) throw notFound('County');
  const center = inScope(ctx.actor, f.countyCode, CENTER);
  const people = await funnelPeople(ctx, f);
  const ids = people.map((p) => p.enrolmentId);
  const followups = ids.length ? await ctx.db.selectFrom('host_followup').selectAll().where('enrolment_id', 'in', ids).orderBy('id').execute() : [];
  const items = people.map((p) => {
    const fu = followups.filter((x) => x.enrolment_id === p.enrolmentId);
    const last = fu[fu.length - 1];
    return {
      enrolmentId: p.enrolmentId, userId: p.userId, cohortId: p.cohortId, cohortName: p.cohortName, name: p.name,
      phone: center ? p.phone : maskPhone(p.phone), gender: p.gender, ageBand: p.ageBand, townshipCode: p.townshipCode,
      townshipName: regionLabel(ctx.deps.regions, p.townshipCode, 'township'), attendancePct: p.attendancePct, firstLiveAt: p.firstLiveAt,
      reached: p.reached, pending: p.pending, stoppedBefore: stoppedBefore(p), followups: fu.length,
      lastFollowup: last ? { reasonCode: last.reason_code, stage: last.stage, note: last.note, calledOn: last.called_on } : null,
    };
  }).filter((p) => !f.stoppedBefore || p.stoppedBefore === f.stoppedBefore);
  // Full phone numbers of trainees are a sensitive read, logged like the cohort roster's.
  if (center && items.length) {
    await recordAudit(ctx, { action: 'hosts.funnel_people_read', targetType: 'county', targetId: f.countyCode, countyCode: f.countyCode, detail: { people: items.length, cohortId: f.cohortId ?? null, stoppedBefore: f.stoppedBefore ?? null } });
  }
  return { countyCode: f.countyCode, items };
}

/** Records a follow-up call: the enrolment, the step the person stopped before, a coded reason and a note (center, audited). */
export async function recordFollowup(ctx: Ctx, input: { enrolmentId: string; stage: FunnelStage; reasonCode: DropoutReason; note?: string | undefined; calledOn?: string | undefined }) {
  const e = await ctx.db.selectFrom('training_enrolment').select(['id', 'county_code']).where('id', '=', input.enrolmentId).executeTakeFirst();
  if (!e || !inScope(ctx.actor, e.county_code, READERS)) throw invalid('/body/enrolmentId', 'No such enrolment in your county', 'unknown_enrolment');
  if (!inScope(ctx.actor, e.county_code, CENTER)) throw notFound('Enrolment');
  const calledOn = input.calledOn ?? bizDate();
  if (!isValidDate(calledOn) || calledOn > bizDate()) throw invalid('/body/calledOn', 'The call date must be a real date, not in the future');
  const id = newId('hostFollowup');
  await inTransaction(ctx, async (tx) => {
    await tx.db.insertInto('host_followup').values({
      id, county_code: e.county_code, enrolment_id: e.id, stage: input.stage, reason_code: input.reasonCode, note: input.note?.trim() ?? '',
      called_on: calledOn, called_by: ctx.actor!.userId, created_at: nowIso(),
    }).execute();
    await recordAudit(tx, { action: 'host.followup_recorded', targetType: 'training_enrolment', targetId: e.id, countyCode: e.county_code, detail: { stage: input.stage, reasonCode: input.reasonCode } });
  });
  return { id, enrolmentId: e.id, stage: input.stage, reasonCode: input.reasonCode, note: input.note?.trim() ?? '', calledOn };
}
