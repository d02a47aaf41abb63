import { Card, Empty, Select, Space, Table, Tabs, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { licencesApi, type LicenceListQuery } from '../../api/suppliers';
import { LICENCE_KINDS, type Licence, type LicenceKind } from '../../api/types';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime } from '../../shared/format';
import { licenceKindLabel, problemText } from '../../shared/problems';
import { isCenterFor, useSession } from '../../shared/session';
import { useCursorList } from '../../shared/useAsync';
import { LicenceStatusTag, LoadMore } from '../admin/adminShared';

type TabKey = 'submitted' | 'expiring' | 'rejected' | 'all';
const TABS: { key: TabKey; label: MessageKey; empty: MessageKey; query: LicenceListQuery }[] = [
  { key: 'submitted', label: 'licence.tab.submitted', empty: 'licence.empty.submitted', query: { status: 'submitted' } },
  { key: 'expiring', label: 'licence.tab.expiring', empty: 'licence.empty.expiring', query: { expiringWithinDays: 30 } },
  { key: 'rejected', label: 'licence.tab.rejected', empty: 'licence.empty.rejected', query: { status: 'rejected' } },
  { key: 'all', label: 'licence.tab.all', empty: 'licence.empty.all', query: {} },
];

/** 证照审核: the review queue, licences expiring within 30 days, rejected ones and all. */
export function LicenceQueuePage() {
  const { t } = useI18n();
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const tab = (TABS.find((x) => x.key === params.get('tab'))?.key ?? 'submitted');
  const [kind, setKind] = useState<LicenceKind | undefined>();
  const current = TABS.find((x) => x.key === tab)!;
  const list = useCursorList((cursor) => licencesApi.list({ ...current.query, kind, cursor, limit: 20 }), [tab, kind]);

  const columns: TableColumnsType<Licence> = [
    { title: t('licence.supplier'), dataIndex: 'supplierName', render: (v: string | null, l) => <Link to={`/admin/suppliers/${l.supplierId}`}>{v ?? l.supplierId}</Link> },
    { title: t('licence.kind'), dataIndex: 'kind', render: (_, l) => licenceKindLabel(l.kind, t) },
    { title: t('licence.number'), dataIndex: 'number', render: (v: string) => v || <Typography.Text type="secondary">{t('licence.noNumber')}</Typography.Text>, responsive: ['md'] },
    { title: t('licence.holder'), dataIndex: 'holderName', responsive: ['lg'] },
    { title: t('licence.expiresOn'), dataIndex: 'expiresOn', responsive: ['sm'] },
    { title: t('common.status'), dataIndex: 'status', render: (_, l) => <LicenceStatusTag status={l.status} expiringSoon={l.expiringSoon} /> },
    { title: t('licence.scan'), dataIndex: 'hasScan', render: (v: boolean) => (v ? t('licence.scanYes') : <Typography.Text type="warning">{t('licence.scanNo')}</Typography.Text>), responsive: ['md'] },
    { title: t('licence.submittedAt'), dataIndex: 'updatedAt', render: (v: string) => formatDateTime(v), responsive: ['xl'] },
    {
      title: t('common.actions'), key: 'actions', fixed: 'right',
      render: (_, l) => (
        <Link to={`/admin/licences/${l.id}`} data-testid="review-link">
          {l.status === 'submitted' && isCenterFor(user, l.countyCode) ? t('licence.review') : t('common.view')}
        </Link>
      ),
    },
  ];

  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('nav.licences')}</Typography.Title>}>
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams(k === 'submitted' ? {} : { tab: k }, { replace: true })}
        items={TABS.map((x) => ({ key: x.key, label: t(x.label) }))}
      />
      <Space wrap style={{ marginBottom: 16 }}>
        <Select allowClear placeholder={t('licence.kind')} aria-label={t('licence.kind')} style={{ width: 240 }} value={kind} onChange={setKind}
          options={LICENCE_KINDS.map((k) => ({ value: k, label: licenceKindLabel(k, t) }))} />
      </Space>
      {list.error ? <Typography.Paragraph type="danger">{problemText(list.error, t)}</Typography.Paragraph> : null}
      <Table<Licence>
        rowKey="id" columns={columns} dataSource={list.items} pagination={false} scroll={{ x: 'max-content' }}
        loading={list.loading && list.items.length === 0}
        locale={{ emptyText: <Empty description={t(current.empty)} /> }}
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onMore={list.loadMore} count={list.items.length} />
    </Card>
  );
}
