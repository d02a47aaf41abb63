import { Button, Drawer, Form, Input, Select, Space } from 'antd';
import { useEffect } from 'react';
import { suppliersApi } from '../../api/suppliers';
import { SUPPLIER_TYPES, type SupplierCreate, type SupplierDetail, type SupplierPatch, type SupplierType } from '../../api/types';
import { useI18n } from '../../i18n';
import { PHONE_RE } from '../../shared/format';
import { BANK_ACCOUNT_RE } from '../../shared/validators';
import { isCenterFor, useSession } from '../../shared/session';
import { useDrawerSize, useFormSubmit } from '../admin/adminShared';
import { RegionCascader } from '../admin/RegionCascader';
import { useMyCounties } from '../admin/useCounties';

interface Values {
  countyCode: string;
  type: SupplierType;
  name: string;
  contactName: string;
  phone: string;
  villageCode: string;
  payeeName?: string;
  payeeAccount?: string;
  payeeBank?: string;
  description?: string;
  story?: string;
}

const trimOrUndefined = (s: string | undefined) => (s && s.trim() ? s.trim() : undefined);

/** Create a supplier, or edit one (`supplier` given). Name, type and county are the center's to set. */
export function SupplierDrawer({ open, supplier, onClose, onSaved }: {
  open: boolean;
  supplier?: SupplierDetail | undefined;
  onClose: () => void;
  onSaved: (s: SupplierDetail) => void;
}) {
  const { t } = useI18n();
  const { user } = useSession();
  const [form] = Form.useForm<Values>();
  const size = useDrawerSize();
  const { counties } = useMyCounties();
  const editing = !!supplier;
  const center = supplier ? isCenterFor(user, supplier.countyCode) : true;
  const countyCode = Form.useWatch('countyCode', form);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (supplier) {
      form.setFieldsValue({
        countyCode: supplier.countyCode, type: supplier.type, name: supplier.name, contactName: supplier.contactName, phone: supplier.phone,
        villageCode: supplier.villageCode, payeeName: supplier.payeeName ?? '', payeeAccount: supplier.payeeAccount ?? '',
        payeeBank: supplier.payeeBank ?? '', description: supplier.description, story: supplier.story,
      });
    } else if (counties.length === 1) {
      form.setFieldsValue({ countyCode: counties[0]!.countyCode });
    }
  }, [open, supplier, counties, form]);

  const { busy, submit } = useFormSubmit(form, async (v) => {
    const fields = {
      type: v.type, name: v.name.trim(), contactName: v.contactName.trim(), phone: v.phone.trim(), villageCode: v.villageCode,
      payeeName: trimOrUndefined(v.payeeName), payeeAccount: trimOrUndefined(v.payeeAccount), payeeBank: trimOrUndefined(v.payeeBank),
      description: v.description?.trim() ?? '', story: v.story?.trim() ?? '',
    };
    let saved: SupplierDetail;
    if (supplier) {
      const patch: SupplierPatch = { ...fields };
      if (!center) { delete patch.name; delete patch.type; }
      // A masked phone (shown to people outside the center) is not a change.
      if (patch.phone === supplier.phone) delete patch.phone;
      if (patch.payeeAccount === (supplier.payeeAccount ?? undefined)) delete patch.payeeAccount;
      for (const k of Object.keys(patch) as (keyof SupplierPatch)[]) if (patch[k] === undefined) delete patch[k];
      saved = await suppliersApi.update(supplier.id, patch);
    } else {
      const create: SupplierCreate = { countyCode: v.countyCode, ...fields };
      saved = await suppliersApi.create(create);
    }
    onSaved(saved);
  });

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={size}
      title={editing ? t('supplier.edit') : t('supplier.create')}
      destroyOnHidden
      extra={<Space><Button onClick={onClose}>{t('common.cancel')}</Button><Button type="primary" loading={busy} onClick={() => form.submit()}>{t('common.save')}</Button></Space>}
    >
      <Form form={form} layout="vertical" onFinish={submit} scrollToFirstError>
        {!editing && counties.length > 1 && (
          <Form.Item name="countyCode" label={t('supplier.county')} rules={[{ required: true, message: t('field.countyCode.required') }]}>
            <Select options={counties.map((c) => ({ value: c.countyCode, label: c.regionName || c.name }))} />
          </Form.Item>
        )}
        {!editing && counties.length <= 1 && <Form.Item name="countyCode" hidden><Input /></Form.Item>}
        <Form.Item name="name" label={t('supplier.name')} rules={[{ required: true, message: t('field.name.required') }, { min: 2, max: 60, message: t('field.supplierName.length') }]}>
          <Input maxLength={60} disabled={!center} placeholder={t('supplier.namePlaceholder')} />
        </Form.Item>
        <Form.Item name="type" label={t('supplier.type')} rules={[{ required: true, message: t('field.type.required') }]}>
          <Select disabled={!center} options={SUPPLIER_TYPES.map((s) => ({ value: s, label: t(`supplierType.${s}`) }))} />
        </Form.Item>
        <Form.Item name="villageCode" label={t('supplier.village')} rules={[{ required: true, message: t('field.villageCode.required') }]} extra={t('supplier.villageHint')}>
          <RegionCascader countyCode={editing ? supplier.countyCode : countyCode} />
        </Form.Item>
        <Form.Item name="contactName" label={t('supplier.contactName')} rules={[{ required: true, message: t('field.contactName.required') }, { max: 40 }]}>
          <Input maxLength={40} autoComplete="off" />
        </Form.Item>
        <Form.Item name="phone" label={t('supplier.phone')} rules={[{ required: true, message: t('field.phone.required') }, { pattern: PHONE_RE, message: t('field.phone.pattern') }]}>
          <Input inputMode="numeric" maxLength={11} autoComplete="off" />
        </Form.Item>
        <Form.Item name="story" label={t('supplier.story')} extra={t('supplier.storyHint')} rules={[{ max: 5000 }]}>
          <Input.TextArea rows={4} maxLength={5000} showCount />
        </Form.Item>
        <Form.Item name="description" label={t('supplier.description')} rules={[{ max: 2000 }]}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item label={t('supplier.payee')} style={{ marginBottom: 0 }} extra={t('supplier.payeeHint')}>
          <Form.Item name="payeeName" rules={[{ max: 60 }]}><Input placeholder={t('supplier.payeeName')} aria-label={t('supplier.payeeName')} maxLength={60} /></Form.Item>
          <Form.Item name="payeeAccount" rules={[{ pattern: BANK_ACCOUNT_RE, message: t('field.payeeAccount.pattern') }]}>
            <Input placeholder={t('supplier.payeeAccount')} aria-label={t('supplier.payeeAccount')} inputMode="numeric" maxLength={30} />
          </Form.Item>
          <Form.Item name="payeeBank" rules={[{ max: 60 }]}><Input placeholder={t('supplier.payeeBank')} aria-label={t('supplier.payeeBank')} maxLength={60} /></Form.Item>
        </Form.Item>
      </Form>
    </Drawer>
  );
}
