import { Alert, Button, Card, Empty, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import type { HostPolicy } from '../../api/settlement';
import { useI18n, type Translate } from '../../i18n';
import { formatBp, formatDateTime, formatFen } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { hasRole, useSession } from '../../shared/session';
import { HostPolicyDrawer } from './HostPolicyDrawer';
import { useCountyParam } from './settlementShared';
import { useCountyHosts, type HostRow } from './useHosts';

export function ruleText(p: Pick<HostPolicy, 'basis' | 'rateBp' | 'fixedFen'> | null, t: Translate): string {
  if (!p || p.basis === 'selection') return t('st.rule.selection');
  return p.basis === 'rate' ? t('st.rule.rate', { rate: formatBp(p.rateBp) }) : t('st.rule.fixed', { fen: formatFen(p.fixedFen) });
}

export function KindTag({ kind }: { kind: HostPolicy['kind'] }) {
  const { t } = useI18n();
  return <Tag color={kind === 'official' ? 'magenta' : 'blue'}>{t(`st.hostKind.${kind}`)}</Tag>;
}

/** 主播佣金: each host of the county with the rule that pays them, or an official's pledge to the funds. */
export function HostPoliciesPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const canWrite = hasRole(user, ['center_admin', 'operator']);
  const { countyCode, loading: countiesLoading, picker } = useCountyParam(['center_admin', 'operator', 'official']);
  const hosts = useCountyHosts(countyCode);
  const [editing, setEditing] = useState<HostRow | null>(null);

  const columns: TableColumnsType<HostRow> = [
    {
      title: t('st.host'), key: 'host', render: (_, h) => (
        <span data-testid="host-name">
          <Typography.Text strong>{h.name ?? t('st.hostById')}</Typography.Text>
          <div style={{ fontSize: 12, color: '#999' }}>{h.phoneMasked ?? <Typography.Text copyable={{ text: h.hostUserId }} type="secondary" style={{ fontSize: 12 }}>{h.hostUserId.slice(-8)}</Typography.Text>}</div>
        </span>
      ),
    },
    { title: t('st.hostKindLabel'), key: 'kind', render: (_, h) => <KindTag kind={h.policy?.kind ?? 'regular'} /> },
    {
      title: t('st.rule'), key: 'rule', render: (_, h) => (
        <Space orientation="vertical" size={0}>
          <span>{ruleText(h.policy, t)}</span>
          {(!h.policy || h.policy.isDefault) && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('st.defaultPolicy')}</Typography.Text>}
          {h.policy?.kind === 'official' && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('st.officialEarnsNothing')}</Typography.Text>}
        </Space>
      ),
    },
    {
      title: t('st.pledge'), key: 'pledge', render: (_, h) => (h.policy?.pledge ? (
        <Space size={4} wrap>
          <span>{t('st.pledgeSplit', { charity: formatBp(h.policy.pledge.charityBp), development: formatBp(h.policy.pledge.developmentBp) })}</span>
          <Tooltip title={t('st.publicHint')}><Tag color="gold">{t('st.public')}</Tag></Tooltip>
        </Space>
      ) : '—'),
    },
    { title: t('st.overrides'), key: 'ov', align: 'right', responsive: ['md'], render: (_, h) => h.policy?.overrides.length ?? 0 },
    { title: t('st.payeeTitle'), key: 'payee', responsive: ['lg'], render: (_, h) => (h.policy?.payee ? `${h.policy.payee.name} · ${h.policy.payee.bank} ${h.policy.payee.accountMasked ?? ''}` : <Typography.Text type="warning">{t('st.noPayee')}</Typography.Text>) },
    { title: t('st.updatedAt'), key: 'upd', responsive: ['xl'], render: (_, h) => (h.policy?.updatedAt ? formatDateTime(h.policy.updatedAt) : '—') },
  ];
  if (canWrite) columns.push({ title: t('common.actions'), key: 'act', render: (_, h) => <Button size="small" onClick={() => setEditing(h)} data-testid="edit-policy">{t('common.edit')}</Button> });

  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('nav.hostPolicies')}</Typography.Title>} extra={picker}>
      {!countyCode && !countiesLoading ? <Empty description={t('lg.noCounty')} /> : (
        <>
          <Typography.Paragraph type="secondary">{t('st.policiesIntro')}</Typography.Paragraph>
          {!hosts.namesKnown && <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('st.operatorHostsNote')} />}
          {hosts.error ? <Alert type="error" showIcon style={{ marginBottom: 12 }} title={problemText(hosts.error, t)} action={<Button size="small" onClick={hosts.reload}>{t('common.retry')}</Button>} /> : null}
          <Table<HostRow>
            rowKey="hostUserId" columns={columns} dataSource={hosts.rows} pagination={false} scroll={{ x: 'max-content' }} size="middle" loading={hosts.loading && !hosts.rows.length}
            locale={{ emptyText: <Empty description={t('st.noHostsHint')} /> }}
          />
        </>
      )}
      {countyCode && <HostPolicyDrawer countyCode={countyCode} host={editing} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); hosts.reload(); }} />}
    </Card>
  );
}
