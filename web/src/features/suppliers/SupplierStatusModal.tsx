import { App, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { suppliersApi } from '../../api/suppliers';
import type { SupplierDetail } from '../../api/types';
import { useI18n } from '../../i18n';
import { useProblemHandler } from '../admin/adminShared';

/** Suspend (products come off sale) or reinstate a supplier, with the reason the supplier is told. */
export function SupplierStatusModal({ supplier, open, onClose, onDone }: { supplier: SupplierDetail; open: boolean; onClose: () => void; onDone: (s: SupplierDetail) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const handle = useProblemHandler();
  const suspending = supplier.status === 'active';
  const submit = async ({ reason }: { reason: string }) => {
    setBusy(true);
    try {
      if (suspending) {
        const res = await suppliersApi.suspend(supplier.id, reason.trim());
        message.success(t('supplier.suspended', { count: res.unlistedProductIds.length }));
        onDone(res);
      } else {
        onDone(await suppliersApi.reinstate(supplier.id, reason.trim()));
        message.success(t('supplier.reinstated'));
      }
    } catch (err) {
      handle(err, form);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden
      title={suspending ? t('supplier.suspendTitle', { name: supplier.name }) : t('supplier.activateTitle', { name: supplier.name })}
      okText={suspending ? t('supplier.suspend') : t('supplier.activate')} okButtonProps={{ danger: suspending }} cancelText={t('common.cancel')}
    >
      <Typography.Paragraph type="secondary">{suspending ? t('supplier.suspendHint') : t('supplier.activateHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item name="reason" label={t('supplier.statusReason')} rules={[{ required: true, whitespace: true, message: t('fieldCode.reason_required') }, { min: 2, message: t('fieldCode.reason_required') }, { max: 500 }]}>
          <Input.TextArea rows={3} maxLength={500} showCount autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  );
}
