import { Form, Modal, Select, Typography } from 'antd';
import { useEffect, useMemo } from 'react';
import { usersApi } from '../../api/accounts';
import { ROLES, type Role } from '../../api/types';
import { useI18n } from '../../i18n';
import { useFormSubmit } from '../admin/adminShared';
import { useMyCounties } from '../admin/useCounties';
import { SupplierSelect } from '../suppliers/SupplierSelect';

interface Values {
  role: Role;
  regionPrefix?: string;
  supplierId?: string;
}

const GRANTABLE = ROLES.filter((r) => r !== 'buyer');

/** Grant a role to a person, scoped to a county (or a city, for officials) or to a supplier. */
export function GrantRoleModal({ user, onClose, onDone }: { user: { id: string; name: string } | null; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const { counties } = useMyCounties(['center_admin']);
  const role = Form.useWatch('role', form);

  const regionOptions = useMemo(() => {
    const opts = counties.map((c) => ({ value: c.countyCode, label: c.regionName || c.name }));
    if (role === 'official') {
      // Officials may watch a whole city: offer each city the counties belong to.
      const cities = new Map<string, string>();
      for (const c of counties) cities.set(c.countyCode.slice(0, 4), c.regionName.split(' ').slice(0, 2).join(' '));
      for (const [code, name] of cities) opts.push({ value: code, label: t('users.wholeCity', { name }) });
    }
    return opts;
  }, [counties, role, t]);

  useEffect(() => {
    if (!user) return;
    form.resetFields();
    if (counties.length === 1) form.setFieldsValue({ regionPrefix: counties[0]!.countyCode });
  }, [user, counties, form]);

  // Runs only while a user is picked (see onFinish).
  const { busy, submit } = useFormSubmit(form, async (v) => {
    await usersApi.grantRole(user!.id, v.role === 'supplier' ? { role: v.role, supplierId: v.supplierId } : { role: v.role, regionPrefix: v.regionPrefix });
    onDone();
  });

  return (
    <Modal
      open={!!user} title={t('users.grantTitle', { name: user?.name ?? '' })} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy}
      okText={t('users.grant')} cancelText={t('common.cancel')} destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(v) => { if (user) submit(v); }}>
        <Form.Item name="role" label={t('users.role')} rules={[{ required: true, message: t('field.role.required') }]}>
          <Select options={GRANTABLE.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
        </Form.Item>
        {role && <Typography.Paragraph type="secondary" style={{ marginTop: -12 }}>{t(`roleHint.${role}`)}</Typography.Paragraph>}
        {role === 'supplier' ? (
          <Form.Item name="supplierId" label={t('users.supplier')} rules={[{ required: true, message: t('field.supplierId.required') }]}>
            <SupplierSelect />
          </Form.Item>
        ) : (
          <Form.Item name="regionPrefix" label={t('users.region')} rules={[{ required: true, message: t('field.regionPrefix.required') }]}>
            <Select options={regionOptions} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
