import { Alert, App, Button, Drawer, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { fulfilmentApi, type Carrier, type ShipBatchResult, type ShipInput } from '../../api/fulfilment';
import type { Order } from '../../api/orders';
import { hasKey, useI18n, type MessageKey } from '../../i18n';
import { useDrawerSize, useFormSubmit, useProblemHandler } from '../admin/adminShared';
import { ItemsCell, carrierName, carrierOptions } from './orderShared';

const LAST_CARRIER = 'fengshou.lastCarrier';
const lastCarrier = (): Carrier | undefined => (localStorage.getItem(LAST_CARRIER) as Carrier | null) ?? undefined;

/** Ship one order: carrier and tracking number. */
export function ShipDrawer({ order, onClose, onShipped }: { order: Order | null; onClose: () => void; onShipped: (o: Order) => void }) {
  const { t } = useI18n();
  const size = useDrawerSize(480);
  const [form] = Form.useForm<ShipInput>();
  const { busy, submit } = useFormSubmit(form, async (v) => {
    const shipped = await fulfilmentApi.ship(order!.id, { carrier: v.carrier, trackingNo: v.trackingNo.trim() });
    localStorage.setItem(LAST_CARRIER, v.carrier);
    onShipped(shipped);
  });
  useEffect(() => {
    if (order) form.setFieldsValue({ carrier: lastCarrier(), trackingNo: '' });
  }, [order, form]);
  return (
    <Drawer open={!!order} onClose={onClose} size={size} destroyOnHidden forceRender
      title={order ? t('fo.shipTitle', { no: order.orderNo }) : ''}
      extra={<Space><Button onClick={onClose}>{t('common.cancel')}</Button><Button type="primary" loading={busy} onClick={() => form.submit()} data-testid="ship-submit">{t('fo.ship')}</Button></Space>}>
      {order && (
        <div style={{ marginBottom: 16 }}>
          <Typography.Text type="secondary">{t('fo.recipient')}: </Typography.Text>{order.recipient.name} {order.recipient.phone}
          <div><Typography.Text type="secondary">{order.recipient.address}</Typography.Text></div>
          <div style={{ marginTop: 8 }}><ItemsCell items={order.items} /></div>
        </div>
      )}
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="carrier" label={t('fo.carrier')} rules={[{ required: true, message: t('fo.carrierRequired') }]}>
          <Select options={carrierOptions(t)} placeholder={t('fo.carrierPick')} data-testid="ship-carrier" />
        </Form.Item>
        <Form.Item name="trackingNo" label={t('fo.trackingNo')} extra={t('fo.trackingHint')}
          rules={[{ required: true, whitespace: true, message: t('fo.trackingRequired') }]}>
          <Input maxLength={40} autoComplete="off" data-testid="ship-tracking" onPressEnter={() => form.submit()} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

/** A failed line's reason in plain words: `problem.<code>` when the catalogue has it. */
export function resultReason(code: string | null, detail: string | null, t: (k: MessageKey) => string): string {
  if (code && hasKey(`fo.err.${code}`)) return t(`fo.err.${code}` as MessageKey);
  if (code && hasKey(`problem.${code}`)) return t(`problem.${code}` as MessageKey);
  return detail ?? code ?? '';
}

interface Line { orderId: string; carrier: Carrier | undefined; trackingNo: string }

/** Ship many: one carrier for all (or per line), a tracking number per order; then per-order results. */
export function BatchShipDrawer({ orders, onClose, onDone }: { orders: Order[] | null; onClose: () => void; onDone: (r: ShipBatchResult) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const handle = useProblemHandler();
  const size = useDrawerSize(820);
  const [lines, setLines] = useState<Line[]>([]);
  const [result, setResult] = useState<ShipBatchResult | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (orders) {
      const c = lastCarrier();
      setLines(orders.map((o) => ({ orderId: o.id, carrier: c, trackingNo: '' })));
      setResult(null);
    }
  }, [orders]);
  const set = (orderId: string, patch: Partial<Line>) => setLines((ls) => ls.map((l) => (l.orderId === orderId ? { ...l, ...patch } : l)));
  const outcome = (orderId: string) => result?.results.find((r) => r.orderId === orderId);
  const ready = lines.filter((l) => l.carrier && l.trackingNo.trim());

  const send = async () => {
    if (!ready.length) { message.warning(t('fo.batchNothing')); return; }
    setBusy(true);
    try {
      const pending = result ? ready.filter((l) => !outcome(l.orderId)?.ok) : ready;
      const r = await fulfilmentApi.shipBatch(pending.map((l) => ({ orderId: l.orderId, carrier: l.carrier!, trackingNo: l.trackingNo.trim() })));
      // Keep earlier successes when retrying only the failed lines.
      const merged: ShipBatchResult = result
        ? { shipped: result.shipped + r.shipped, failed: r.failed, results: [...result.results.filter((x) => x.ok), ...r.results] }
        : r;
      setResult(merged);
      localStorage.setItem(LAST_CARRIER, pending[0]!.carrier!);
      onDone(r);
    } catch (err) {
      handle(err);
    } finally {
      setBusy(false);
    }
  };

  const allDone = !!result && lines.every((l) => outcome(l.orderId)?.ok);
  return (
    <Drawer open={!!orders} onClose={onClose} size={size} destroyOnHidden title={t('fo.batchTitle', { count: orders?.length ?? 0 })}
      extra={<Space>
        <Button onClick={onClose}>{allDone ? t('fo.close') : t('common.cancel')}</Button>
        {!allDone && <Button type="primary" loading={busy} onClick={() => void send()} data-testid="batch-submit">{result ? t('fo.batchRetry') : t('fo.batchShip', { count: ready.length })}</Button>}
      </Space>}>
      {result && (
        <Alert style={{ marginBottom: 12 }} showIcon type={result.failed ? 'warning' : 'success'} data-testid="batch-summary"
          title={result.failed ? t('fo.batchPartial', { shipped: result.shipped, failed: result.failed }) : t('fo.batchAllOk', { shipped: result.shipped })} />
      )}
      {!result && (
        <Space wrap style={{ marginBottom: 12 }}>
          <Typography.Text>{t('fo.batchAllCarrier')}</Typography.Text>
          <Select style={{ width: 160 }} placeholder={t('fo.carrierPick')} options={carrierOptions(t)} aria-label={t('fo.batchAllCarrier')}
            onChange={(c: Carrier) => setLines((ls) => ls.map((l) => ({ ...l, carrier: c })))} />
        </Space>
      )}
      <Table<Order>
        rowKey="id" size="small" pagination={false} dataSource={orders ?? []} scroll={{ x: 'max-content' }}
        columns={[
          { title: t('fo.orderNo'), dataIndex: 'orderNo', render: (v: string, o) => <>{v}<div style={{ fontSize: 12, color: '#888' }}>{o.recipient.name}</div></> },
          { title: t('fo.items'), key: 'items', render: (_, o) => <ItemsCell items={o.items} />, responsive: ['md'] },
          {
            title: t('fo.carrier'), key: 'carrier', render: (_, o) => {
              const l = lines.find((x) => x.orderId === o.id);
              const done = outcome(o.id)?.ok;
              return done ? carrierName(l?.carrier ?? null, t) : (
                <Select style={{ width: 130 }} value={l?.carrier} options={carrierOptions(t)} placeholder={t('fo.carrierPick')} aria-label={t('fo.carrier')}
                  onChange={(c: Carrier) => set(o.id, { carrier: c })} />
              );
            },
          },
          {
            title: t('fo.trackingNo'), key: 'tracking', render: (_, o) => {
              const l = lines.find((x) => x.orderId === o.id);
              return outcome(o.id)?.ok ? l?.trackingNo : (
                <Input style={{ width: 190 }} value={l?.trackingNo} maxLength={40} aria-label={t('fo.trackingNo')} data-testid="batch-tracking"
                  onChange={(e) => set(o.id, { trackingNo: e.target.value })} status={outcome(o.id) && !outcome(o.id)!.ok ? 'error' : ''} />
              );
            },
          },
          {
            title: t('fo.result'), key: 'result', render: (_, o) => {
              const r = outcome(o.id);
              if (!r) return <Typography.Text type="secondary">—</Typography.Text>;
              return r.ok ? <Tag color="success">{t('fo.resultOk')}</Tag>
                : <Space orientation="vertical" size={0}><Tag color="error">{t('fo.resultFailed')}</Tag><Typography.Text type="danger" style={{ fontSize: 12 }}>{resultReason(r.code, r.detail, t)}</Typography.Text></Space>;
            },
          },
        ]}
      />
    </Drawer>
  );
}
