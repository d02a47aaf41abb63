import { Card, Empty, Select, Space, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { sellOrdersApi } from '../../api/fulfilment';
import { ORDER_STATUSES, type Order, type OrderStatus } from '../../api/orders';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { useCursorList } from '../../shared/useAsync';
import { LoadMore } from '../admin/adminShared';
import { useMyCounties } from '../admin/useCounties';
import { SupplierSelect } from '../suppliers/SupplierSelect';
import { AmountCell, ItemsCell, OrderDrawer, OrderStatusTag, RecipientCell } from './orderShared';

/** 全部订单: every order of the center's counties, by status, county and supplier. */
export function AllOrdersPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState<OrderStatus | undefined>();
  const [countyCode, setCountyCode] = useState<string | undefined>();
  const [supplierId, setSupplierId] = useState<string | undefined>();
  const [detailId, setDetailId] = useState<string | null>(null);
  const { counties } = useMyCounties(['center_admin', 'operator', 'official']);
  const list = useCursorList((cursor) => sellOrdersApi.list({ status, countyCode, supplierId, cursor, limit: 20 }), [status, countyCode, supplierId]);
  const countyName = (code: string) => counties.find((c) => c.countyCode === code)?.name ?? code;

  const columns: TableColumnsType<Order> = [
    { title: t('fo.orderNo'), dataIndex: 'orderNo', render: (v: string, o) => <Typography.Link onClick={() => setDetailId(o.id)}>{v}</Typography.Link> },
    { title: t('fo.supplier'), dataIndex: 'supplierName', responsive: ['md'] },
    { title: t('fo.items'), key: 'items', render: (_, o) => <ItemsCell items={o.items} /> },
    { title: t('fo.recipient'), key: 'recipient', render: (_, o) => <RecipientCell order={o} />, responsive: ['lg'] },
    { title: t('fo.amount'), key: 'amount', render: (_, o) => <AmountCell order={o} /> },
    { title: t('common.status'), dataIndex: 'status', render: (v: OrderStatus) => <OrderStatusTag status={v} /> },
    { title: t('fo.county'), dataIndex: 'countyCode', render: countyName, responsive: ['xl'] },
    { title: t('fo.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v), responsive: ['lg'] },
    { title: t('fo.paidAt'), dataIndex: 'paidAt', render: (v: string | null) => formatDateTime(v) || '—', responsive: ['xl'] },
  ];
  const filtered = !!(status || countyCode || supplierId);
  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('nav.allOrders')}</Typography.Title>}>
      <Space wrap style={{ marginBottom: 16 }}>
        <Select allowClear placeholder={t('common.status')} aria-label={t('common.status')} style={{ width: 130 }} value={status} onChange={setStatus}
          options={ORDER_STATUSES.map((s) => ({ value: s, label: t(`orderStatus.${s}` as MessageKey) }))} />
        <Select allowClear placeholder={t('fo.county')} aria-label={t('fo.county')} style={{ width: 180 }} value={countyCode} onChange={setCountyCode}
          options={counties.map((c) => ({ value: c.countyCode, label: c.name }))} />
        <SupplierSelect allowClear value={supplierId} onChange={setSupplierId} placeholder={t('fo.supplier')} style={{ width: 200 }} />
      </Space>
      {list.error ? <Typography.Paragraph type="danger">{problemText(list.error, t)}</Typography.Paragraph> : null}
      <Table<Order>
        rowKey="id" columns={columns} dataSource={list.items} pagination={false} scroll={{ x: 'max-content' }}
        loading={list.loading && list.items.length === 0}
        onRow={(o) => ({ onDoubleClick: () => setDetailId(o.id) })}
        locale={{ emptyText: <Empty description={filtered ? t('fo.emptyFiltered') : t('fo.emptyAll')} /> }}
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onMore={list.loadMore} count={list.items.length} />
      <OrderDrawer orderId={detailId} onClose={() => setDetailId(null)} />
    </Card>
  );
}
