import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Input, Select, Space, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { suppliersApi } from '../../api/suppliers';
import { SUPPLIER_TYPES, type Supplier, type SupplierStatus, type SupplierType } from '../../api/types';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { hasRole, CENTER_ROLES, useSession } from '../../shared/session';
import { useCursorList } from '../../shared/useAsync';
import { LoadMore, SupplierStatusTag } from '../admin/adminShared';
import { SupplierDrawer } from './SupplierDrawer';

/** 供货商: the county's suppliers with a filter bar; create in a drawer. */
export function SupplierListPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { user } = useSession();
  const [q, setQ] = useState('');
  const [type, setType] = useState<SupplierType | undefined>();
  const [status, setStatus] = useState<SupplierStatus | undefined>();
  const [creating, setCreating] = useState(false);
  const list = useCursorList((cursor) => suppliersApi.list({ q: q || undefined, type, status, cursor, limit: 20 }), [q, type, status]);
  const canCreate = hasRole(user, CENTER_ROLES);

  const columns: TableColumnsType<Supplier> = [
    { title: t('supplier.name'), dataIndex: 'name', render: (name: string, s) => <Link to={`/admin/suppliers/${s.id}`}>{name}</Link> },
    { title: t('supplier.type'), dataIndex: 'type', render: (v: SupplierType) => t(`supplierType.${v}`), responsive: ['sm'] },
    { title: t('supplier.contactName'), dataIndex: 'contactName', responsive: ['md'] },
    { title: t('supplier.phone'), dataIndex: 'phone', responsive: ['lg'] },
    { title: t('supplier.village'), dataIndex: 'villageName', responsive: ['md'] },
    { title: t('common.status'), dataIndex: 'status', render: (v: SupplierStatus) => <SupplierStatusTag status={v} /> },
    { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v), responsive: ['xl'] },
  ];

  const filtered = !!(q || type || status);
  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('nav.suppliers')}</Typography.Title>}
      extra={canCreate && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('supplier.create')}</Button>}
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search allowClear placeholder={t('supplier.searchPlaceholder')} aria-label={t('supplier.searchPlaceholder')} onSearch={(v) => setQ(v.trim())} style={{ width: 240 }} maxLength={40} />
        <Select allowClear placeholder={t('supplier.type')} aria-label={t('supplier.type')} style={{ width: 150 }} value={type} onChange={setType}
          options={SUPPLIER_TYPES.map((s) => ({ value: s, label: t(`supplierType.${s}`) }))} />
        <Select allowClear placeholder={t('common.status')} aria-label={t('common.status')} style={{ width: 120 }} value={status} onChange={setStatus}
          options={(['active', 'suspended'] as const).map((s) => ({ value: s, label: t(`supplierStatus.${s}`) }))} />
      </Space>
      {list.error ? <Typography.Text type="danger">{problemText(list.error, t)}</Typography.Text> : null}
      <Table<Supplier>
        rowKey="id"
        columns={columns}
        dataSource={list.items}
        loading={list.loading && list.items.length === 0}
        pagination={false}
        scroll={{ x: 'max-content' }}
        onRow={(s) => ({ onDoubleClick: () => navigate(`/admin/suppliers/${s.id}`) })}
        locale={{ emptyText: <Empty description={filtered ? t('supplier.emptyFiltered') : canCreate ? t('supplier.empty') : t('supplier.emptyReadOnly')} /> }}
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onMore={list.loadMore} count={list.items.length} />
      <SupplierDrawer
        open={creating}
        onClose={() => setCreating(false)}
        onSaved={(s) => { setCreating(false); message.success(t('supplier.created', { name: s.name })); navigate(`/admin/suppliers/${s.id}`); }}
      />
    </Card>
  );
}
