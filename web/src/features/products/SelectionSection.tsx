import { Alert, App, Button, Card, Form, InputNumber, Popconfirm, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { productsApi } from '../../api/catalog';
import type { ProductDetail } from '../../api/types';
import { useI18n } from '../../i18n';
import { fenToYuan, formatDateTime, yuanToFen } from '../../shared/format';
import { useProblemHandler } from '../admin/adminShared';

interface Values {
  suggestedPrice: number;
  commissionPct: number;
  sellingPoints: string[];
  sampleQuantity: number;
}

/** 选品库条款: the suggested live price, host commission, selling points and samples for hosts. */
export function SelectionSection({ product, curator, onChanged }: { product: ProductDetail; curator: boolean; onChanged: (p: ProductDetail) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState(false);
  const handle = useProblemHandler();
  const sel = product.selection;

  useEffect(() => {
    form.setFieldsValue(sel ? {
      suggestedPrice: fenToYuan(sel.suggestedPriceFen), commissionPct: sel.commissionRateBp / 100, sellingPoints: sel.sellingPoints, sampleQuantity: sel.sampleQuantity,
    } : { suggestedPrice: product.priceFen !== null ? fenToYuan(product.priceFen) : undefined, commissionPct: 15, sellingPoints: [], sampleQuantity: 0 } as Partial<Values>);
  }, [sel, product.priceFen, form]);

  const save = async (v: Values) => {
    setBusy(true);
    try {
      onChanged(await productsApi.putSelection(product.id, {
        suggestedPriceFen: yuanToFen(v.suggestedPrice), commissionRateBp: Math.round(v.commissionPct * 100),
        sellingPoints: v.sellingPoints.map((s) => s.trim()).filter(Boolean), sampleQuantity: v.sampleQuantity,
      }));
      message.success(sel ? t('selection.updated') : t('selection.added'));
    } catch (err) {
      handle(err, form, { suggestedPriceFen: 'suggestedPrice', commissionRateBp: 'commissionPct' });
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    setRemoving(true);
    try {
      onChanged(await productsApi.removeSelection(product.id));
      message.success(t('selection.removed'));
    } catch (err) {
      handle(err);
    } finally {
      setRemoving(false);
    }
  };

  const title = <Space>{t('product.selection')}{sel && <Typography.Text type="success" style={{ fontSize: 12 }}>{t('selection.inBase')}</Typography.Text>}</Space>;
  if (product.status !== 'on_sale' && !sel) {
    return <Card title={title}><Alert type="info" showIcon title={t('selection.needsOnSale')} /></Card>;
  }
  if (!curator) {
    return (
      <Card title={title}>
        {sel ? <Typography.Paragraph>{t('selection.summary', { price: fenToYuan(sel.suggestedPriceFen).toFixed(2), pct: sel.commissionRateBp / 100, points: sel.sellingPoints.join('、') || t('common.none') })}</Typography.Paragraph>
          : <Typography.Text type="secondary">{t('selection.notInBase')}</Typography.Text>}
      </Card>
    );
  }
  return (
    <Card title={title}>
      <Form form={form} layout="vertical" onFinish={(v) => void save(v)} style={{ maxWidth: 560 }}>
        <Space wrap size="middle">
          <Form.Item name="suggestedPrice" label={t('selection.suggestedPrice')} rules={[{ required: true, message: t('field.price.required') }, { type: 'number', min: 0.01, message: t('field.price.range') }]}>
            <InputNumber prefix="¥" precision={2} min={0.01} max={1_000_000} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="commissionPct" label={t('selection.commission')} extra={t('selection.commissionHint')} rules={[{ required: true, message: t('field.commissionPct.required') }, { type: 'number', min: 0, max: 50, message: t('field.commissionPct.range') }]}>
            <InputNumber suffix="%" precision={2} min={0} max={50} step={0.5} style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="sampleQuantity" label={t('selection.samples')} rules={[{ required: true }, { type: 'number', min: 0, max: 10000 }]}>
            <InputNumber precision={0} min={0} max={10000} style={{ width: 120 }} />
          </Form.Item>
        </Space>
        <Form.Item name="sellingPoints" label={t('selection.sellingPoints')} extra={t('selection.sellingPointsHint')} rules={[
          { validator: async (_, v: string[] | undefined) => {
            if ((v ?? []).length > 8) throw new Error(t('field.sellingPoints.maxItems'));
            if ((v ?? []).some((s) => s.length > 60)) throw new Error(t('field.sellingPoints.maxLength'));
          } },
        ]}>
          <Select mode="tags" open={false} tokenSeparators={[',', '，', '、']} placeholder={t('selection.sellingPointsPlaceholder')} suffixIcon={null} />
        </Form.Item>
        <Space wrap>
          <Button type="primary" htmlType="submit" loading={busy}>{sel ? t('selection.save') : t('selection.add')}</Button>
          {sel && (
            <Popconfirm title={t('selection.removeConfirm')} onConfirm={() => void remove()} okText={t('common.confirm')} cancelText={t('common.cancel')}>
              <Button danger loading={removing}>{t('selection.remove')}</Button>
            </Popconfirm>
          )}
          {sel && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('common.updatedAt', { time: formatDateTime(sel.updatedAt) })}</Typography.Text>}
        </Space>
      </Form>
    </Card>
  );
}
