import { Button, Drawer, Form, Input, Space } from 'antd';
import { useEffect } from 'react';
import { usersApi } from '../../api/accounts';
import { useI18n } from '../../i18n';
import { PHONE_RE } from '../../shared/format';
import { useDrawerSize, useFormSubmit } from '../admin/adminShared';

interface Values {
  phone: string;
  name: string;
  password: string;
}

/** Make an account for someone who will work here; a role is granted next. */
export function CreateUserDrawer({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (u: { id: string; name: string; phone: string }) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const size = useDrawerSize(440);
  useEffect(() => { if (open) form.resetFields(); }, [open, form]);
  const { busy, submit } = useFormSubmit(form, async (v) => {
    const { id } = await usersApi.create({ phone: v.phone.trim(), name: v.name.trim(), password: v.password });
    onCreated({ id, name: v.name.trim(), phone: v.phone.trim() });
  });
  return (
    <Drawer
      open={open} onClose={onClose} size={size} destroyOnHidden title={t('users.create')}
      extra={<Space><Button onClick={onClose}>{t('common.cancel')}</Button><Button type="primary" loading={busy} onClick={() => form.submit()}>{t('users.createButton')}</Button></Space>}
    >
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="phone" label={t('auth.phone')} rules={[{ required: true, message: t('field.phone.required') }, { pattern: PHONE_RE, message: t('field.phone.pattern') }]}>
          <Input inputMode="numeric" maxLength={11} autoComplete="off" />
        </Form.Item>
        <Form.Item name="name" label={t('auth.name')} rules={[{ required: true, whitespace: true, message: t('field.name.required') }, { max: 40 }]}>
          <Input maxLength={40} autoComplete="off" />
        </Form.Item>
        <Form.Item name="password" label={t('users.initialPassword')} extra={t('users.initialPasswordHint')} rules={[{ required: true, message: t('field.password.required') }, { min: 8, message: t('field.password.minLength') }, { max: 128 }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
