import { InboxOutlined } from '@ant-design/icons';
import { Alert, Button, DatePicker, Drawer, Form, Input, Select, Space, Upload } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { licencesApi, suppliersApi } from '../../api/suppliers';
import { LICENCE_KINDS, type Licence, type LicenceKind } from '../../api/types';
import { useI18n, type MessageKey } from '../../i18n';
import { todayShanghai } from '../../shared/format';
import { checkLicenceNumber } from '../../shared/validators';
import { useDrawerSize, useFormSubmit, useProblemHandler } from '../admin/adminShared';

interface Values {
  kind: LicenceKind;
  number?: string;
  holderName: string;
  scope?: string;
  issuedOn: Dayjs;
  expiresOn: Dayjs;
}

export const SCAN_ACCEPT = 'image/jpeg,image/png,image/webp,application/pdf';

/** Submit a licence (with its scan) for review, or correct one that is under review or rejected. */
export function LicenceDrawer({ open, supplierId, supplierName, licence, onClose, onSaved }: {
  open: boolean;
  supplierId: string;
  supplierName: string;
  licence?: Licence | undefined;
  onClose: () => void;
  onSaved: (l: Licence) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const [file, setFile] = useState<File | null>(null);
  const [savedWithoutScan, setSavedWithoutScan] = useState<Licence | null>(null);
  const handle = useProblemHandler();
  const size = useDrawerSize();
  const kind = Form.useWatch('kind', form);
  const today = todayShanghai();

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    setFile(null);
    setSavedWithoutScan(null);
    if (licence) {
      form.setFieldsValue({
        kind: licence.kind, number: licence.number, holderName: licence.holderName, scope: licence.scope,
        issuedOn: dayjs(licence.issuedOn), expiresOn: dayjs(licence.expiresOn),
      });
    } else {
      form.setFieldsValue({ holderName: supplierName });
    }
  }, [open, licence, supplierName, form]);

  const { busy, submit } = useFormSubmit(form, async (v) => {
    const body = {
      kind: v.kind, number: (v.number ?? '').trim(), holderName: v.holderName.trim(), scope: v.scope?.trim() ?? '',
      issuedOn: v.issuedOn.format('YYYY-MM-DD'), expiresOn: v.expiresOn.format('YYYY-MM-DD'),
    };
    let saved = savedWithoutScan ?? (licence ? await licencesApi.update(licence.id, body) : await suppliersApi.submitLicence(supplierId, body));
    if (file) {
      try {
        saved = await licencesApi.uploadScan(saved.id, file);
      } catch (err) {
        // The licence is saved; only the scan failed. Keep the drawer open to retry the upload.
        setSavedWithoutScan(saved);
        handle(err);
        return;
      }
    }
    onSaved(saved);
  });

  const numberRule = {
    validator: async (_: unknown, value: string | undefined) => {
      if (!kind) return;
      const problem = checkLicenceNumber(kind, (value ?? '').trim());
      if (problem) throw new Error(t(`licenceNumber.${problem}` as MessageKey));
    },
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={size}
      destroyOnHidden
      title={licence ? t('licence.edit') : t('licence.submit')}
      extra={<Space><Button onClick={onClose}>{t('common.cancel')}</Button><Button type="primary" loading={busy} onClick={() => form.submit()}>{licence ? t('licence.resubmit') : t('licence.submitButton')}</Button></Space>}
    >
      {savedWithoutScan && <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('licence.scanRetry')} />}
      <Form form={form} layout="vertical" onFinish={submit} disabled={!!savedWithoutScan && busy}>
        <Form.Item name="kind" label={t('licence.kind')} rules={[{ required: true, message: t('field.kind.required') }]} extra={kind ? t(`licenceKindHint.${kind}`) : t('licence.kindHint')}>
          <Select disabled={!!savedWithoutScan} options={LICENCE_KINDS.map((k) => ({ value: k, label: t(`licenceKind.${k}`) }))} onChange={() => void form.validateFields(['number']).catch(() => undefined)} />
        </Form.Item>
        <Form.Item name="number" label={t('licence.number')} rules={[numberRule]} extra={kind ? t(`licenceNumberHint.${kind}`) : undefined}>
          <Input maxLength={50} disabled={!!savedWithoutScan} autoComplete="off" />
        </Form.Item>
        <Form.Item name="holderName" label={t('licence.holder')} rules={[{ required: true, message: t('field.holderName.required') }, { max: 80 }]}>
          <Input maxLength={80} disabled={!!savedWithoutScan} />
        </Form.Item>
        <Form.Item name="scope" label={t('licence.scope')} extra={kind === 'produce_certificate' ? t('licence.scopeHintCert') : t('licence.scopeHint')} rules={[{ max: 500 }]}>
          <Input.TextArea rows={2} maxLength={500} disabled={!!savedWithoutScan} />
        </Form.Item>
        <Space wrap size="middle" style={{ width: '100%' }}>
          <Form.Item name="issuedOn" label={t('licence.issuedOn')} rules={[
            { required: true, message: t('field.issuedOn.required') },
            { validator: async (_, v: Dayjs | undefined) => { if (v && v.format('YYYY-MM-DD') > today) throw new Error(t('field.issuedOn.invalid')); } },
          ]}>
            <DatePicker disabled={!!savedWithoutScan} disabledDate={(d) => d.format('YYYY-MM-DD') > today} />
          </Form.Item>
          <Form.Item name="expiresOn" label={t('licence.expiresOn')} dependencies={['issuedOn']} rules={[
            { required: true, message: t('field.expiresOn.required') },
            ({ getFieldValue }) => ({
              validator: async (_, v: Dayjs | undefined) => {
                if (!v) return;
                const issued = getFieldValue('issuedOn') as Dayjs | undefined;
                if (issued && !v.isAfter(issued, 'day')) throw new Error(t('field.expiresOn.invalid'));
                if (v.format('YYYY-MM-DD') < today) throw new Error(t('field.expiresOn.already_expired'));
              },
            }),
          ]}>
            <DatePicker disabled={!!savedWithoutScan} disabledDate={(d) => d.format('YYYY-MM-DD') < today} />
          </Form.Item>
        </Space>
        <Form.Item label={t('licence.scan')} extra={t('licence.scanHint')}>
          <Upload.Dragger
            accept={SCAN_ACCEPT}
            maxCount={1}
            beforeUpload={(f) => { setFile(f); return false; }}
            onRemove={() => setFile(null)}
            fileList={file ? [{ uid: '1', name: file.name, status: 'done' }] : []}
          >
            <p className="ant-upload-drag-icon"><InboxOutlined /></p>
            <p className="ant-upload-text">{t('licence.scanDrop')}</p>
          </Upload.Dragger>
        </Form.Item>
      </Form>
    </Drawer>
  );
}
