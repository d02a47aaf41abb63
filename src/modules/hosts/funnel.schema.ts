import { Type, type TSchema } from '@sinclair/typebox';
import { FUNNEL_STAGES } from './hosts.tables.js';
import { DROPOUT_REASONS, FUNNEL_STEPS } from './funnel.service.js';
import { CountyCode, DateString, Id, Nullable, lit } from './hosts.schema.js';

const Steps = (t: TSchema) => Type.Object(Object.fromEntries(FUNNEL_STEPS.map((s) => [s, t])));
const Tally = {
  total: Type.Integer(),
  counts: Steps(Type.Integer()),
  conversion: Steps(Nullable(Type.Number())),
  pending: Type.Object({ active_30: Type.Integer(), active_90: Type.Integer() }),
};
export const FunnelQuery = Type.Object({ countyCode: CountyCode, cohortId: Type.Optional(Id('one cohort')), from: Type.Optional(DateString), to: Type.Optional(DateString) });
const Group = Type.Array(Type.Object({ key: Type.String(), label: Type.String(), ...Tally }));
export const FunnelView = Type.Object({
  countyCode: Type.String(), cohortId: Nullable(Type.String()), steps: Type.Array(Type.String()), threshold: Type.Number(),
  overall: Type.Object(Tally),
  groups: Type.Object({ cohort: Group, township: Group, age_band: Group, gender: Group }),
  reasons: Type.Array(Type.Object({ code: Type.String(), count: Type.Integer(), byStage: Type.Record(Type.String(), Type.Integer()) })),
  followedUp: Type.Integer(),
});
export const FunnelPeopleQuery = Type.Object({ ...FunnelQuery.properties, stoppedBefore: Type.Optional(lit(FUNNEL_STAGES)) });
export const FunnelPeopleView = Type.Object({
  countyCode: Type.String(),
  items: Type.Array(Type.Object({
    enrolmentId: Type.String(), userId: Type.String(), cohortId: Type.String(), cohortName: Type.String(), name: Type.String(), phone: Type.String(),
    gender: Type.String(), ageBand: Type.String(), townshipCode: Type.String(), townshipName: Type.String(), attendancePct: Type.Number(),
    firstLiveAt: Nullable(Type.String()), reached: Steps(Type.Boolean()), pending: Type.Object({ active_30: Type.Boolean(), active_90: Type.Boolean() }),
    stoppedBefore: Nullable(lit(FUNNEL_STAGES)), followups: Type.Integer(),
    lastFollowup: Nullable(Type.Object({ reasonCode: Type.String(), stage: Type.String(), note: Type.String(), calledOn: Type.String() })),
  })),
});
export const FollowupBody = Type.Object({
  enrolmentId: Id('training enrolment'),
  stage: lit(FUNNEL_STAGES),
  reasonCode: lit(DROPOUT_REASONS),
  note: Type.Optional(Type.String({ maxLength: 500 })),
  calledOn: Type.Optional(DateString),
}, { additionalProperties: false });
export const FollowupView = Type.Object({ id: Type.String(), enrolmentId: Type.String(), stage: Type.String(), reasonCode: Type.String(), note: Type.String(), calledOn: Type.String() });
