import { Card, Empty, Segmented, Select, Space, Table, Typography, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { CASE_STATUSES, aftersalesApi, type AftersalesCase, type CaseStatus } from '../../api/aftersales';
import { suppliersApi } from '../../api/suppliers';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime, formatFen } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { CENTER_ROLES, hasRole, useSession } from '../../shared/session';
import { useAsync, useCursorList } from '../../shared/useAsync';
import { LoadMore } from '../admin/adminShared';
import { CaseDrawer, reasonLabel } from './CaseDrawer';
import { CaseStatusTag } from './caseShared';

type Queue = 'requested' | 'return_shipped' | 'escalated' | 'all';

/** 售后: a supplier's cases to answer, or the county's cases for the center with 纠纷 (escalated) first. */
export function AftersalesPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const center = hasRole(user, [...CENTER_ROLES, 'official']);
  const queue = (params.get('queue') as Queue | null) ?? (center ? 'escalated' : 'requested');
  const [status, setStatus] = useState<CaseStatus | undefined>();
  const [openId, setOpenId] = useState<string | null>(params.get('case'));
  const queueStatus: CaseStatus | undefined = queue === 'all' ? status : queue;
  const list = useCursorList((cursor) => aftersalesApi.list({ status: queueStatus, cursor, limit: 20 }), [queueStatus]);
  const suppliers = useAsync(() => suppliersApi.list({ limit: 100 }).then((p) => p.items), []);
  const supplierName = useMemo(() => {
    const m = new Map((suppliers.data ?? []).map((s) => [s.id, s.name]));
    return (id: string) => m.get(id) ?? id;
  }, [suppliers.data]);

  const columns: TableColumnsType<AftersalesCase> = [
    { title: t('as.caseNo'), dataIndex: 'caseNo', render: (v: string, c) => <Typography.Link onClick={() => setOpenId(c.id)} data-testid="case-link">{v}</Typography.Link> },
    { title: t('fo.orderNo'), dataIndex: 'orderNo', responsive: ['md'] },
    ...(center ? [{ title: t('fo.supplier'), dataIndex: 'supplierId', render: (v: string) => supplierName(v), responsive: ['lg'] as const }] as TableColumnsType<AftersalesCase> : []),
    { title: t('as.kind'), dataIndex: 'kind', render: (v: string) => t(`as.kind.${v}` as MessageKey), responsive: ['sm'] },
    { title: t('as.reason'), dataIndex: 'reasonCode', render: (v: string, c) => <>{reasonLabel(v, t)}{c.items[0] && <div style={{ fontSize: 12, color: '#888' }}>{c.items.map((i) => `${i.title}×${i.quantity}`).join('、')}</div>}</> },
    { title: t('as.requested'), dataIndex: 'requestedFen', render: (v: number, c) => <>{formatFen(v)}{c.approvedFen !== null && c.approvedFen !== v && <div style={{ fontSize: 12, color: '#389e0d' }}>{t('as.approvedAmount', { amount: formatFen(c.approvedFen) })}</div>}</> },
    { title: t('common.status'), dataIndex: 'status', render: (v: CaseStatus) => <CaseStatusTag status={v} /> },
    { title: t('as.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v), responsive: ['lg'] },
  ];

  const setQueue = (q: Queue) => { setStatus(undefined); setParams(q === (center ? 'escalated' : 'requested') ? {} : { queue: q }, { replace: true }); };
  const queues: { value: Queue; label: string }[] = center
    ? [{ value: 'escalated', label: t('as.queue.escalated') }, { value: 'all', label: t('as.queue.all') }]
    : [{ value: 'requested', label: t('as.queue.requested') }, { value: 'return_shipped', label: t('as.queue.return_shipped') }, { value: 'all', label: t('as.queue.all') }];
  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('nav.aftersales')}</Typography.Title>}>
      <Space wrap style={{ marginBottom: 16 }}>
        <Segmented<Queue> value={queue} onChange={setQueue} options={queues} />
        {queue === 'all' && (
          <Select allowClear placeholder={t('common.status')} aria-label={t('common.status')} style={{ width: 140 }} value={status} onChange={setStatus}
            options={CASE_STATUSES.map((s) => ({ value: s, label: t(`as.status.${s}` as MessageKey) }))} />
        )}
      </Space>
      {list.error ? <Typography.Paragraph type="danger">{problemText(list.error, t)}</Typography.Paragraph> : null}
      <Table<AftersalesCase>
        rowKey="id" columns={columns} dataSource={list.items} pagination={false} scroll={{ x: 'max-content' }}
        loading={list.loading && list.items.length === 0}
        onRow={(c) => ({ onDoubleClick: () => setOpenId(c.id) })}
        locale={{ emptyText: <Empty description={t(`as.empty.${queue}` as MessageKey)} /> }}
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onMore={list.loadMore} count={list.items.length} />
      <CaseDrawer caseId={openId} supplierName={supplierName} onClose={() => setOpenId(null)} onChanged={(c) => list.replace((x) => x.id === c.id, c)} />
    </Card>
  );
}
