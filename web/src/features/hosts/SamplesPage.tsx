import { Alert, App, Button, Card, Empty, Form, Input, Modal, Select, Space, Table, Tabs, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { hostsApi, type Sample, type SampleStatus } from '../../api/hosts';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { hasRole, useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';
import { useFormSubmit, useProblemHandler } from '../admin/adminShared';
import { SampleStatusTag } from './hostShared';

export const CARRIERS = ['SF', 'ZTO', 'YTO', 'YUNDA', 'STO', 'JD', 'EMS'] as const;
const TABS: (SampleStatus | 'all')[] = ['requested', 'shipped', 'received', 'return_shipped', 'returned', 'cancelled', 'all'];

/** Carrier and tracking number for sending samples out (or the host sending them back). */
function ShipModal({ sample, onClose, onDone }: { sample: Sample; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ carrier: string; trackingNo: string }>();
  const { busy, submit } = useFormSubmit(form, async (v) => {
    await hostsApi.sampleAction(sample.id, 'ship', { carrier: v.carrier, trackingNo: v.trackingNo.trim() });
    onDone();
  });
  return (
    <Modal open title={t('hs.sample.shipTitle', { product: sample.productTitle, host: sample.hostName })} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okText={t('hs.sample.ship')} destroyOnHidden>
      <Typography.Paragraph>{sample.recipientName} {sample.recipientPhone}<br />{sample.addressText}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="carrier" label={t('hs.sample.carrier')} rules={[{ required: true }]}><Select options={CARRIERS.map((c) => ({ value: c, label: t(`carrier.${c}` as never) }))} data-testid="sample-carrier" /></Form.Item>
        <Form.Item name="trackingNo" label={t('hs.sample.trackingNo')} rules={[{ required: true, whitespace: true }]}><Input maxLength={40} data-testid="sample-tracking" /></Form.Item>
      </Form>
    </Modal>
  );
}

/** 寄样: samples hosts asked for; the supplier (or center) ships them and confirms their return. */
export function SamplesPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const { message } = App.useApp();
  const handle = useProblemHandler();
  const canShip = hasRole(user, ['supplier', 'center_admin', 'operator']);
  const [tab, setTab] = useState<SampleStatus | 'all'>('requested');
  const list = useAsync(() => hostsApi.samples({ status: tab === 'all' ? undefined : tab }), [tab]);
  const [shipping, setShipping] = useState<Sample | null>(null);
  const act = async (s: Sample, action: 'returned' | 'cancel') => {
    try {
      await hostsApi.sampleAction(s.id, action);
      message.success(t('common.saved'));
      list.reload();
    } catch (err) {
      handle(err);
    }
  };
  const columns: TableColumnsType<Sample> = [
    { title: t('hs.product'), key: 'p', render: (_, s) => <span>{s.productTitle}<div style={{ fontSize: 12, color: '#999' }}>{s.supplierName}</div></span> },
    { title: t('hs.host'), dataIndex: 'hostName' },
    { title: t('hs.sample.quantity'), dataIndex: 'quantity', align: 'right' },
    { title: t('hs.sample.recipient'), key: 'r', responsive: ['md'], render: (_, s) => <span>{s.recipientName} {s.recipientPhone}<div style={{ fontSize: 12, color: '#999', maxWidth: 240 }}>{s.addressText}</div></span> },
    { title: t('hs.sample.returnRequired'), key: 'rr', render: (_, s) => (s.returnRequired ? t('hs.sample.mustReturn') : t('hs.sample.keep')) },
    {
      title: t('hs.sample.tracking'), key: 't', render: (_, s) => (
        <Space orientation="vertical" size={0}>
          {s.trackingNo && <span>{t('hs.sample.out')} {s.carrier} {s.trackingNo}</span>}
          {s.returnTrackingNo && <span>{t('hs.sample.back')} {s.returnCarrier} {s.returnTrackingNo}</span>}
          {!s.trackingNo && '—'}
        </Space>
      ),
    },
    { title: t('common.status'), key: 's', render: (_, s) => <SampleStatusTag status={s.status} /> },
    { title: t('common.createdAt'), key: 'c', responsive: ['lg'], render: (_, s) => formatDateTime(s.createdAt) },
  ];
  if (canShip) {
    columns.push({
      title: t('common.actions'), key: 'act', render: (_, s) => (
        <Space wrap>
          {s.status === 'requested' && <Button size="small" type="primary" onClick={() => setShipping(s)} data-testid="sample-ship">{t('hs.sample.ship')}</Button>}
          {s.status === 'requested' && <Button size="small" onClick={() => void act(s, 'cancel')}>{t('hs.sample.cancel')}</Button>}
          {s.status === 'return_shipped' && <Button size="small" type="primary" onClick={() => void act(s, 'returned')}>{t('hs.sample.confirmReturned')}</Button>}
        </Space>
      ),
    });
  }
  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('nav.hostSamples')}</Typography.Title>}>
      <Typography.Paragraph type="secondary">{t('hs.sample.intro')}</Typography.Paragraph>
      <Tabs activeKey={tab} onChange={(k) => setTab(k as SampleStatus | 'all')} items={TABS.map((k) => ({ key: k, label: k === 'all' ? t('hs.all') : t(`hs.sampleStatus.${k}` as never) }))} />
      {list.error ? <Alert type="error" showIcon title={problemText(list.error, t)} action={<Button size="small" onClick={list.reload}>{t('common.retry')}</Button>} /> : null}
      <Table<Sample> rowKey="id" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading && !list.data} size="middle" scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }} locale={{ emptyText: <Empty description={t('hs.sample.empty')} /> }} />
      {shipping && <ShipModal sample={shipping} onClose={() => setShipping(null)} onDone={() => { setShipping(null); message.success(t('hs.sample.shipped')); list.reload(); }} />}
    </Card>
  );
}
