/** Ant Design tags of the host roster console pages. */
import { Tag } from 'antd';
import type { HostKind, MatchStatus, SampleStatus, Verification } from '../../api/hosts';
import { useI18n } from '../../i18n';
import { kindLabel, matchStatusLabel, sampleStatusLabel, verificationLabel } from './hostLabels';

const KIND_COLOURS: Record<HostKind, string> = { local: 'green', returned_youth: 'cyan', guest: 'purple', official: 'magenta' };
const VERIFY_COLOURS: Record<Verification, string> = { none: 'default', pending: 'processing', verified: 'success', rejected: 'error' };
const MATCH_COLOURS: Record<MatchStatus, string> = { pending: 'processing', approved: 'success', rejected: 'error', withdrawn: 'default' };
const SAMPLE_COLOURS: Record<SampleStatus, string> = { requested: 'processing', shipped: 'blue', received: 'green', return_shipped: 'orange', returned: 'default', cancelled: 'default' };

export function HostKindTag({ kind }: { kind: HostKind | null }) {
  const { t } = useI18n();
  if (!kind) return <Tag>{t('hs.notOnRoster')}</Tag>;
  return <Tag color={KIND_COLOURS[kind]} data-testid="host-kind">{kindLabel(kind, t)}</Tag>;
}

export function VerificationTag({ value }: { value: Verification }) {
  const { t } = useI18n();
  return <Tag color={VERIFY_COLOURS[value]} data-testid="verification">{verificationLabel(value, t)}</Tag>;
}

export function MatchStatusTag({ status }: { status: MatchStatus }) {
  const { t } = useI18n();
  return <Tag color={MATCH_COLOURS[status]} data-testid="match-status">{matchStatusLabel(status, t)}</Tag>;
}

export function SampleStatusTag({ status }: { status: SampleStatus }) {
  const { t } = useI18n();
  return <Tag color={SAMPLE_COLOURS[status]} data-testid="sample-status">{sampleStatusLabel(status, t)}</Tag>;
}
