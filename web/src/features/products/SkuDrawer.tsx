import { Button, DatePicker, Drawer, Form, Input, InputNumber, Radio, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { productsApi, skusApi } from '../../api/catalog';
import type { SaleMode, Sku } from '../../api/types';
import { useI18n } from '../../i18n';
import { fenToYuan, todayShanghai, yuanToFen } from '../../shared/format';
import { isValidGtin } from '../../shared/validators';
import { useDrawerSize, useProblemHandler } from '../admin/adminShared';

interface Values {
  spec: string;
  price: number;
  weightG: number;
  stock?: number;
  saleMode: SaleMode;
  shipsFrom?: Dayjs | null;
  gtin?: string;
}

/** Add a SKU (spec, price, weight, opening stock; pre-sale ships from a date) or edit one. */
export function SkuDrawer({ open, productId, sku, unit, onClose, onSaved }: {
  open: boolean;
  productId: string;
  sku?: Sku | undefined;
  unit: string;
  onClose: () => void;
  onSaved: (s: Sku) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const handle = useProblemHandler();
  const size = useDrawerSize(480);
  const saleMode = Form.useWatch('saleMode', form);
  const today = todayShanghai();

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (sku) {
      form.setFieldsValue({
        spec: sku.spec, price: fenToYuan(sku.priceFen), weightG: sku.weightG, saleMode: sku.saleMode,
        shipsFrom: sku.shipsFrom ? dayjs(sku.shipsFrom) : null, gtin: sku.gtin ?? '',
      });
    } else {
      form.setFieldsValue({ saleMode: 'spot', stock: 0 });
    }
  }, [open, sku, form]);

  const submit = async (v: Values) => {
    setBusy(true);
    try {
      const base = {
        spec: v.spec.trim(), priceFen: yuanToFen(v.price), weightG: v.weightG, saleMode: v.saleMode,
        shipsFrom: v.saleMode === 'presale' && v.shipsFrom ? v.shipsFrom.format('YYYY-MM-DD') : null,
        gtin: v.gtin?.trim() ? v.gtin.trim() : null,
      };
      onSaved(sku ? await skusApi.update(sku.id, base) : await productsApi.addSku(productId, { ...base, stock: v.stock ?? 0 }));
    } catch (err) {
      handle(err, form, { priceFen: 'price' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open={open} onClose={onClose} size={size} destroyOnHidden title={sku ? t('sku.edit') : t('sku.add')}
      extra={<Space><Button onClick={onClose}>{t('common.cancel')}</Button><Button type="primary" loading={busy} onClick={() => form.submit()}>{t('common.save')}</Button></Space>}
    >
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item name="spec" label={t('sku.spec')} extra={t('sku.specHint')} rules={[{ required: true, whitespace: true, message: t('field.spec.required') }, { max: 40 }]}>
          <Input maxLength={40} />
        </Form.Item>
        <Form.Item name="price" label={t('sku.price')} rules={[{ required: true, message: t('field.price.required') }, { type: 'number', min: 0.01, max: 1_000_000, message: t('field.price.range') }]}>
          <InputNumber prefix="¥" precision={2} min={0.01} max={1_000_000} step={1} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="weightG" label={t('sku.weight')} extra={t('sku.weightHint')} rules={[{ required: true, message: t('field.weightG.required') }, { type: 'number', min: 1, max: 1_000_000 }]}>
          <InputNumber suffix="g" precision={0} min={1} max={1_000_000} style={{ width: 200 }} />
        </Form.Item>
        {!sku && (
          <Form.Item name="stock" label={t('sku.openingStock')} extra={t('sku.openingStockHint', { unit })} rules={[{ required: true, message: t('field.stock.required') }, { type: 'number', min: 0, max: 10_000_000 }]}>
            <InputNumber precision={0} min={0} max={10_000_000} style={{ width: 200 }} />
          </Form.Item>
        )}
        <Form.Item name="saleMode" label={t('sku.saleMode')} rules={[{ required: true }]}>
          <Radio.Group options={[{ value: 'spot', label: t('saleMode.spot') }, { value: 'presale', label: t('saleMode.presale') }]} optionType="button" />
        </Form.Item>
        {saleMode === 'presale' && (
          <Form.Item name="shipsFrom" label={t('sku.shipsFrom')} extra={t('sku.shipsFromHint')} rules={[
            { required: true, message: t('field.shipsFrom.ships_from_required') },
            { validator: async (_, v: Dayjs | null | undefined) => { if (v && v.format('YYYY-MM-DD') <= today) throw new Error(t('field.shipsFrom.ships_from_past')); } },
          ]}>
            <DatePicker disabledDate={(d) => d.format('YYYY-MM-DD') <= today} />
          </Form.Item>
        )}
        <Form.Item name="gtin" label={t('sku.gtin')} extra={t('sku.gtinHint')} rules={[
          { validator: async (_, v: string | undefined) => { if (v && v.trim() && !isValidGtin(v.trim())) throw new Error(t('field.gtin.bad_gtin')); } },
        ]}>
          <Input inputMode="numeric" maxLength={14} style={{ width: 220 }} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
