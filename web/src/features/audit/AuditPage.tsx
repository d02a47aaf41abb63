import { Card, Empty, Select, Space, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { auditApi } from '../../api/accounts';
import type { AuditItem } from '../../api/types';
import { hasKey, useI18n } from '../../i18n';
import { formatDateTime } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { useCursorList } from '../../shared/useAsync';
import { LoadMore } from '../admin/adminShared';

/** Actions the platform records, for the filter. */
const ACTIONS = [
  'auth.login', 'auth.login_failed', 'auth.locked', 'account.signup', 'account.created', 'account.unlocked', 'account.password_changed',
  'role.granted', 'role.revoked', 'center.created', 'supplier.created', 'supplier.updated', 'supplier.suspended', 'supplier.reinstated', 'supplier.contact_viewed',
  'licence.submitted', 'licence.edited', 'licence.resubmitted', 'licence.scan_uploaded', 'licence.scan_viewed', 'licence.verified',
  'licence.rejected', 'licence.expired', 'product.created', 'product.updated', 'product.listed', 'product.unlisted', 'sku.created',
  'sku.updated', 'stock.adjusted', 'batch.created', 'selection.added', 'selection.updated', 'selection.removed',
];

function detailText(detail: Record<string, unknown> | null): string {
  if (!detail) return '';
  return Object.entries(detail).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join('; ');
}

/** 操作日志: who did what, when and from where, in my counties. */
export function AuditPage() {
  const { t } = useI18n();
  const [action, setAction] = useState<string | undefined>();
  const list = useCursorList((cursor) => auditApi.list({ action, cursor, limit: 50 }), [action]);
  const actionLabel = (a: string) => {
    const key = `auditAction.${a}`;
    return hasKey(key) ? t(key) : a;
  };
  const columns: TableColumnsType<AuditItem> = [
    { title: t('audit.at'), dataIndex: 'at', render: (v: string) => formatDateTime(v), width: 150 },
    { title: t('audit.actor'), dataIndex: 'actorName', render: (v: string | null) => v ?? <Typography.Text type="secondary">{t('audit.system')}</Typography.Text> },
    { title: t('audit.action'), dataIndex: 'action', render: (v: string) => <span title={v}>{actionLabel(v)}</span> },
    { title: t('audit.target'), key: 'target', render: (_, r) => (r.targetType ? <Typography.Text code style={{ fontSize: 12 }}>{r.targetId}</Typography.Text> : '—'), responsive: ['lg'] },
    { title: t('audit.ip'), dataIndex: 'ip', responsive: ['md'] },
    { title: t('audit.detail'), dataIndex: 'detail', render: (v: Record<string, unknown> | null) => <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis={{ tooltip: detailText(v) }}>{detailText(v)}</Typography.Text>, width: 320, responsive: ['md'] },
  ];
  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('nav.audit')}</Typography.Title>}>
      <Space wrap style={{ marginBottom: 16 }}>
        <Select allowClear showSearch={{ optionFilterProp: 'label' }} placeholder={t('audit.action')} aria-label={t('audit.action')} style={{ width: 240 }} value={action} onChange={setAction}
          options={ACTIONS.map((a) => ({ value: a, label: actionLabel(a) }))} />
      </Space>
      {list.error ? <Typography.Paragraph type="danger">{problemText(list.error, t)}</Typography.Paragraph> : null}
      <Table<AuditItem>
        rowKey="id" columns={columns} dataSource={list.items} pagination={false} scroll={{ x: 'max-content' }} size="middle"
        loading={list.loading && list.items.length === 0}
        locale={{ emptyText: <Empty description={action ? t('audit.emptyFiltered') : t('audit.empty')} /> }}
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onMore={list.loadMore} count={list.items.length} />
    </Card>
  );
}
