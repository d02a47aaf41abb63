/** Pieces the order pages share: the status tag, carrier names, the items cell, the order detail drawer. */
import { Button, Descriptions, Drawer, Empty, Space, Spin, Table, Tag, Timeline, Typography } from 'antd';
import type { ReactNode } from 'react';
import { CARRIERS, sellOrdersApi, type Carrier } from '../../api/fulfilment';
import type { Order, OrderItem, OrderStatus } from '../../api/orders';
import { useI18n, type MessageKey, type Translate } from '../../i18n';
import { formatDateTime, formatFen } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { useAsync } from '../../shared/useAsync';
import { useDrawerSize } from '../admin/adminShared';

const ORDER_COLOURS: Record<OrderStatus, string> = {
  pending_payment: 'default', paid: 'orange', shipped: 'processing', delivered: 'cyan', completed: 'success', cancelled: 'default', closed: 'default',
};

export function OrderStatusTag({ status }: { status: OrderStatus }) {
  const { t } = useI18n();
  return <Tag color={ORDER_COLOURS[status]} data-testid="order-status">{t(`orderStatus.${status}` as MessageKey)}</Tag>;
}

export function carrierName(code: string | null, t: Translate): string {
  if (!code) return '';
  return (CARRIERS as readonly string[]).includes(code) ? t(`carrier.${code as Carrier}`) : code;
}

export const carrierOptions = (t: Translate) => CARRIERS.map((c) => ({ value: c, label: carrierName(c, t) }));

export function ItemsCell({ items }: { items: OrderItem[] }) {
  return (
    <Space orientation="vertical" size={2} style={{ maxWidth: 240 }}>
      {items.map((i) => (
        <div key={i.id} style={{ lineHeight: 1.35 }}>
          <Typography.Text ellipsis={{ tooltip: i.title }} style={{ maxWidth: 240, display: 'block' }}>{i.title}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{i.spec} × {i.quantity}{i.unit}</Typography.Text>
        </div>
      ))}
    </Space>
  );
}

export function RecipientCell({ order }: { order: Order }) {
  return (
    <Space orientation="vertical" size={0} style={{ maxWidth: 240 }}>
      <span>{order.recipient.name} <Typography.Text type="secondary">{order.recipient.phone}</Typography.Text></span>
      <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis={{ tooltip: order.recipient.address }}>{order.recipient.address}</Typography.Text>
    </Space>
  );
}

export function AmountCell({ order }: { order: Order }) {
  const { t } = useI18n();
  return (
    <Space orientation="vertical" size={0}>
      <Typography.Text strong>{formatFen(order.totalFen)}</Typography.Text>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('fo.shippingFee', { fee: formatFen(order.shippingFen) })}</Typography.Text>
      {order.refundedFen > 0 && <Typography.Text type="danger" style={{ fontSize: 12 }}>{t('fo.refunded', { amount: formatFen(order.refundedFen) })}</Typography.Text>}
    </Space>
  );
}

/** The order's life so far, from its timestamps. */
function OrderTimeline({ order }: { order: Order }) {
  const { t } = useI18n();
  const steps: { key: MessageKey; at: string | null; extra?: ReactNode }[] = [
    { key: 'fo.t.created', at: order.createdAt },
    { key: 'fo.t.paid', at: order.paidAt },
    { key: 'fo.t.shipped', at: order.shippedAt, extra: order.trackingNo ? ` · ${carrierName(order.carrier, t)} ${order.trackingNo}` : null },
    { key: 'fo.t.delivered', at: order.deliveredAt },
    { key: 'fo.t.completed', at: order.completedAt },
    { key: 'fo.t.cancelled', at: order.cancelledAt },
  ];
  return (
    <Timeline
      items={steps.filter((s) => s.at).map((s) => ({ content: <span>{t(s.key)} <Typography.Text type="secondary">{formatDateTime(s.at)}</Typography.Text>{s.extra}</span> }))}
    />
  );
}

export function OrderDetails({ order }: { order: Order }) {
  const { t } = useI18n();
  return (
    <>
      <Descriptions column={1} size="small" bordered styles={{ label: { width: 110 } }}>
        <Descriptions.Item label={t('fo.orderNo')}><Typography.Text copyable>{order.orderNo}</Typography.Text></Descriptions.Item>
        <Descriptions.Item label={t('common.status')}><OrderStatusTag status={order.status} /></Descriptions.Item>
        <Descriptions.Item label={t('fo.supplier')}>{order.supplierName}</Descriptions.Item>
        <Descriptions.Item label={t('fo.recipient')}>{order.recipient.name} {order.recipient.phone}<br />{order.recipient.address}</Descriptions.Item>
        {order.note ? <Descriptions.Item label={t('fo.note')}>{order.note}</Descriptions.Item> : null}
        <Descriptions.Item label={t('fo.source')}>{t(`fo.sourceKind.${order.source.kind}` as MessageKey)}</Descriptions.Item>
        {order.trackingNo ? <Descriptions.Item label={t('fo.tracking')}>{carrierName(order.carrier, t)} <Typography.Text copyable>{order.trackingNo}</Typography.Text></Descriptions.Item> : null}
        <Descriptions.Item label={t('fo.amount')}>
          {t('fo.amountLine', { items: formatFen(order.itemsFen), shipping: formatFen(order.shippingFen), total: formatFen(order.totalFen) })}
          {order.refundedFen > 0 && <Typography.Text type="danger"> · {t('fo.refunded', { amount: formatFen(order.refundedFen) })}</Typography.Text>}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Title level={5} style={{ marginTop: 20 }}>{t('fo.items')}</Typography.Title>
      <Table<OrderItem>
        rowKey="id" size="small" pagination={false} dataSource={order.items} scroll={{ x: 'max-content' }}
        columns={[
          { title: t('fo.product'), dataIndex: 'title', render: (v: string, i) => <>{v}<br /><Typography.Text type="secondary" style={{ fontSize: 12 }}>{i.spec}</Typography.Text></> },
          { title: t('fo.unitPrice'), dataIndex: 'unitPriceFen', render: (v: number) => formatFen(v) },
          { title: t('fo.quantity'), dataIndex: 'quantity', render: (v: number, i) => `${v} ${i.unit}` },
          { title: t('fo.lineTotal'), dataIndex: 'lineFen', render: (v: number) => formatFen(v) },
        ]}
      />
      <Typography.Title level={5} style={{ marginTop: 20 }}>{t('fo.timeline')}</Typography.Title>
      <OrderTimeline order={order} />
    </>
  );
}

/** An order's details in a drawer, fetched fresh; `actions` render in the header (ship, deliver). */
export function OrderDrawer({ orderId, onClose, actions }: { orderId: string | null; onClose: () => void; actions?: (o: Order) => ReactNode }) {
  const { t } = useI18n();
  const size = useDrawerSize(640);
  const state = useAsync((signal) => (orderId ? sellOrdersApi.get(orderId, signal) : Promise.resolve(null)), [orderId]);
  const order = state.data && state.data.id === orderId ? state.data : null;
  return (
    <Drawer open={!!orderId} onClose={onClose} size={size} title={order ? t('fo.detailTitle', { no: order.orderNo }) : t('fo.detail')} destroyOnHidden
      extra={order && actions ? actions(order) : null}>
      {state.error ? <Empty description={problemText(state.error, t)}><Button onClick={state.reload}>{t('common.retry')}</Button></Empty>
        : !order ? <div style={{ textAlign: 'center', padding: 48 }}><Spin /></div>
          : <div data-testid="order-detail"><OrderDetails order={order} /></div>}
    </Drawer>
  );
}
