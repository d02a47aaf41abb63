import { PlusOutlined } from '@ant-design/icons';
import { App, AutoComplete, Button, Card, DatePicker, Drawer, Empty, Form, Input, InputNumber, Radio, Space, Table, type TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { productsApi } from '../../api/catalog';
import type { Batch, BatchKind, ProductDetail } from '../../api/types';
import { useI18n } from '../../i18n';
import { todayShanghai } from '../../shared/format';
import { useDrawerSize, useFormSubmit } from '../admin/adminShared';
import { UNITS } from './ProductFormFields';

interface Values {
  batchNo: string;
  kind: BatchKind;
  producedOn: Dayjs;
  quantity: number;
  quantityUnit: string;
  shelfLifeDays: number;
  note?: string;
}

function BatchDrawer({ open, product, onClose, onSaved }: { open: boolean; product: ProductDetail; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const size = useDrawerSize(480);
  const today = todayShanghai();
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    const n = String(product.batches.length + 1).padStart(2, '0');
    form.setFieldsValue({ kind: 'harvest', producedOn: dayjs(today), batchNo: `${today.replaceAll('-', '')}-${n}`, quantityUnit: product.unit });
  }, [open, product, form, today]);
  const { busy, submit } = useFormSubmit(form, async (v) => {
    await productsApi.addBatch(product.id, {
      batchNo: v.batchNo.trim(), kind: v.kind, producedOn: v.producedOn.format('YYYY-MM-DD'), quantity: v.quantity,
      quantityUnit: v.quantityUnit.trim(), shelfLifeDays: v.shelfLifeDays, note: v.note?.trim() || undefined,
    });
    onSaved();
  });
  return (
    <Drawer
      open={open} onClose={onClose} size={size} destroyOnHidden title={t('batch.add')}
      extra={<Space><Button onClick={onClose}>{t('common.cancel')}</Button><Button type="primary" loading={busy} onClick={() => form.submit()}>{t('common.save')}</Button></Space>}
    >
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="kind" label={t('batch.kind')}>
          <Radio.Group optionType="button" options={[{ value: 'harvest', label: t('batchKind.harvest') }, { value: 'production', label: t('batchKind.production') }]} />
        </Form.Item>
        <Form.Item name="batchNo" label={t('batch.batchNo')} rules={[{ required: true, whitespace: true, message: t('field.batchNo.required') }, { max: 40 }]}>
          <Input maxLength={40} />
        </Form.Item>
        <Form.Item name="producedOn" label={t('batch.producedOn')} rules={[{ required: true, message: t('field.producedOn.required') }]}>
          <DatePicker disabledDate={(d) => d.format('YYYY-MM-DD') > today} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="quantity" label={t('batch.quantity')} rules={[{ required: true, message: t('field.quantity.required') }, { type: 'number', min: 1 }]}>
            <InputNumber precision={0} min={1} max={100_000_000} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="quantityUnit" label={t('batch.unit')} rules={[{ required: true, message: t('field.unit.required') }, { max: 8 }]}>
            <AutoComplete options={UNITS.map((u) => ({ value: u }))} style={{ width: 100 }} />
          </Form.Item>
        </Space>
        <Form.Item name="shelfLifeDays" label={t('batch.shelfLife')} extra={t('batch.shelfLifeHint')} rules={[{ required: true, message: t('field.shelfLifeDays.required') }, { type: 'number', min: 1, max: 3650 }]}>
          <InputNumber precision={0} min={1} max={3650} suffix={t('common.days')} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="note" label={t('batch.note')} rules={[{ max: 500 }]}>
          <Input.TextArea rows={2} maxLength={500} placeholder={t('batch.notePlaceholder')} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

/** 批次: harvest or production batches that buyers see as traceability. */
export function BatchSection({ product, editable, onChanged }: { product: ProductDetail; editable: boolean; onChanged: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const columns: TableColumnsType<Batch> = [
    { title: t('batch.batchNo'), dataIndex: 'batchNo' },
    { title: t('batch.kind'), dataIndex: 'kind', render: (v: BatchKind) => t(`batchKind.${v}`) },
    { title: t('batch.producedOn'), dataIndex: 'producedOn' },
    { title: t('batch.quantity'), key: 'q', render: (_, b) => `${b.quantity} ${b.quantityUnit}` },
    { title: t('batch.bestBefore'), dataIndex: 'bestBefore' },
    { title: t('batch.note'), dataIndex: 'note', responsive: ['lg'] },
  ];
  return (
    <Card title={t('product.batches')} extra={editable && <Button icon={<PlusOutlined />} onClick={() => setOpen(true)}>{t('batch.add')}</Button>}>
      <Table<Batch> rowKey="id" columns={columns} dataSource={product.batches} pagination={false} scroll={{ x: 'max-content' }} size="middle"
        locale={{ emptyText: <Empty description={editable ? t('batch.empty') : t('batch.emptyReadOnly')} /> }} />
      <BatchDrawer open={open} product={product} onClose={() => setOpen(false)} onSaved={() => { setOpen(false); message.success(t('common.saved')); onChanged(); }} />
    </Card>
  );
}
