import { Button, Drawer, Form, Space } from 'antd';
import { useEffect, useState } from 'react';
import { productsApi } from '../../api/catalog';
import type { ProductDetail, Supplier } from '../../api/types';
import { useI18n } from '../../i18n';
import { useDrawerSize, useFormSubmit } from '../admin/adminShared';
import { SupplierSelect } from '../suppliers/SupplierSelect';
import { ProductFormFields } from './ProductFormFields';

interface Values {
  supplierId: string;
  categoryCode: string;
  title: string;
  subtitle?: string;
  unit: string;
  originVillageCode: string;
  description?: string;
}

/** Create a product (as a draft) or edit its basic information. */
export function ProductDrawer({ open, product, initialSupplierId, onClose, onSaved }: {
  open: boolean;
  product?: ProductDetail | undefined;
  initialSupplierId?: string | undefined;
  onClose: () => void;
  onSaved: (p: ProductDetail) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const [supplier, setSupplier] = useState<Supplier | undefined>();
  const size = useDrawerSize();

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    setSupplier(undefined);
    if (product) {
      form.setFieldsValue({
        supplierId: product.supplierId, categoryCode: product.categoryCode, title: product.title, subtitle: product.subtitle,
        unit: product.unit, originVillageCode: product.originVillageCode, description: product.description,
      });
    } else if (initialSupplierId) {
      form.setFieldsValue({ supplierId: initialSupplierId });
    }
  }, [open, product, initialSupplierId, form]);

  const picked = (s: Supplier | undefined) => {
    setSupplier(s);
    // The product usually comes from the supplier's own village.
    if (s && !form.getFieldValue('originVillageCode')) form.setFieldsValue({ originVillageCode: s.villageCode });
  };

  const { busy, submit } = useFormSubmit(form, async (v) => {
    const fields = {
      categoryCode: v.categoryCode, title: v.title.trim(), subtitle: v.subtitle?.trim() ?? '', unit: v.unit.trim(),
      originVillageCode: v.originVillageCode, description: v.description ?? '',
    };
    onSaved(product ? await productsApi.update(product.id, fields) : await productsApi.create({ supplierId: v.supplierId, ...fields }));
  });

  const countyCode = product?.countyCode ?? supplier?.countyCode;
  return (
    <Drawer
      open={open} onClose={onClose} size={size} destroyOnHidden
      title={product ? t('product.edit') : t('product.create')}
      extra={<Space><Button onClick={onClose}>{t('common.cancel')}</Button><Button type="primary" loading={busy} onClick={() => form.submit()}>{t('common.save')}</Button></Space>}
    >
      <Form form={form} layout="vertical" onFinish={submit} scrollToFirstError>
        {product ? (
          <Form.Item label={t('product.supplier')}><span>{product.supplierName}</span></Form.Item>
        ) : (
          <Form.Item name="supplierId" label={t('product.supplier')} rules={[{ required: true, message: t('field.supplierId.required') }]} extra={t('product.supplierHint')}>
            <SupplierSelect onPicked={picked} />
          </Form.Item>
        )}
        <ProductFormFields countyCode={countyCode} />
      </Form>
    </Drawer>
  );
}
