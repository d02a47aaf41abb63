import { AutoComplete, Form, InputNumber, Modal, Radio, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { skusApi } from '../../api/catalog';
import type { Sku } from '../../api/types';
import { useI18n, type MessageKey } from '../../i18n';
import { useProblemHandler } from '../admin/adminShared';

interface Values {
  direction: 'add' | 'remove';
  quantity: number;
  reason: string;
}

const REASONS: MessageKey[] = ['stock.reason.restock', 'stock.reason.count', 'stock.reason.damage', 'stock.reason.samples', 'stock.reason.return'];

/** Add or remove stock with a reason; stock never goes below zero. */
export function StockModal({ sku, unit, onClose, onSaved }: { sku: Sku | null; unit: string; onClose: () => void; onSaved: (s: Sku) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const handle = useProblemHandler();
  const direction = Form.useWatch('direction', form);
  const quantity = Form.useWatch('quantity', form);

  useEffect(() => {
    if (sku) {
      form.resetFields();
      form.setFieldsValue({ direction: 'add' });
    }
  }, [sku, form]);

  if (!sku) return null;
  const delta = (direction === 'remove' ? -1 : 1) * (quantity ?? 0);
  const after = sku.stockAvailable + delta;

  const submit = async (v: Values) => {
    setBusy(true);
    try {
      onSaved(await skusApi.adjustStock(sku.id, (v.direction === 'remove' ? -1 : 1) * v.quantity, v.reason.trim()));
    } catch (err) {
      handle(err, form, { delta: 'quantity' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden
      title={t('stock.title', { spec: sku.spec })} okText={t('common.save')} cancelText={t('common.cancel')}
    >
      <Typography.Paragraph>{t('stock.current', { count: sku.stockAvailable, unit })}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item name="direction" label={t('stock.direction')}>
          <Radio.Group optionType="button" options={[{ value: 'add', label: t('stock.add') }, { value: 'remove', label: t('stock.remove') }]} />
        </Form.Item>
        <Form.Item name="quantity" label={t('stock.quantity')} rules={[
          { required: true, message: t('field.quantity.required') },
          { type: 'number', min: 1, message: t('field.quantity.min') },
          { validator: async (_, v: number | undefined) => { if (direction === 'remove' && v && v > sku.stockAvailable) throw new Error(t('problem.insufficient_stock', { available: sku.stockAvailable })); } },
        ]}>
          <InputNumber precision={0} min={1} max={10_000_000} suffix={unit} style={{ width: 200 }} autoFocus />
        </Form.Item>
        <Form.Item name="reason" label={t('stock.reason')} rules={[{ required: true, whitespace: true, message: t('field.reason.required') }, { max: 200 }]}>
          <AutoComplete options={REASONS.map((k) => ({ value: t(k) }))} maxLength={200} placeholder={t('stock.reasonPlaceholder')} />
        </Form.Item>
      </Form>
      {quantity ? <Typography.Text type={after < 0 ? 'danger' : 'secondary'}>{t('stock.after', { count: after, unit })}</Typography.Text> : null}
    </Modal>
  );
}
