import { App, Form, Input, Modal, Typography } from 'antd';
import { suppliersApi } from '../../api/suppliers';
import type { SupplierDetail } from '../../api/types';
import { useI18n } from '../../i18n';
import { useFormSubmit } from '../admin/adminShared';

/** Suspend (products come off sale) or reinstate a supplier, with the reason the supplier is told. */
export function SupplierStatusModal({ supplier, open, onClose, onDone }: { supplier: SupplierDetail; open: boolean; onClose: () => void; onDone: (s: SupplierDetail) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const suspending = supplier.status === 'active';
  const { busy, submit } = useFormSubmit(form, async ({ reason }) => {
    if (suspending) {
      const res = await suppliersApi.suspend(supplier.id, reason.trim());
      message.success(t('supplier.suspended', { count: res.unlistedProductIds.length }));
      onDone(res);
    } else {
      onDone(await suppliersApi.reinstate(supplier.id, reason.trim()));
      message.success(t('supplier.reinstated'));
    }
  });
  return (
    <Modal
      open={open} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden
      title={suspending ? t('supplier.suspendTitle', { name: supplier.name }) : t('supplier.activateTitle', { name: supplier.name })}
      okText={suspending ? t('supplier.suspend') : t('supplier.activate')} okButtonProps={{ danger: suspending }} cancelText={t('common.cancel')}
    >
      <Typography.Paragraph type="secondary">{suspending ? t('supplier.suspendHint') : t('supplier.activateHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="reason" label={t('supplier.statusReason')} rules={[{ required: true, whitespace: true, message: t('fieldCode.reason_required') }, { min: 2, message: t('fieldCode.reason_required') }, { max: 500 }]}>
          <Input.TextArea rows={3} maxLength={500} showCount autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  );
}
