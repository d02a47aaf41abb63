import { CheckOutlined, CloseOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Descriptions, Form, Input, Modal, Row, Skeleton, Space, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { isProblem } from '../../api/client';
import { licencesApi } from '../../api/suppliers';
import type { Licence } from '../../api/types';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime, todayShanghai } from '../../shared/format';
import { licenceKindLabel } from '../../shared/problems';
import { canEditSupplier, isCenterFor, useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';
import { checkLicenceNumber } from '../../shared/validators';
import { LicenceStatusTag, LoadFailed, useFormSubmit, useProblemHandler } from '../admin/adminShared';
import { useCrumbTitle } from '../admin/crumbs';
import { SCAN_ACCEPT } from '../suppliers/LicenceDrawer';
import { ScanViewer } from './ScanViewer';

const QUICK_REASONS: MessageKey[] = ['licence.reason.blurry', 'licence.reason.mismatch', 'licence.reason.holder', 'licence.reason.expired'];

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400000);
}

function RejectModal({ open, onCancel, onDone, licence }: { open: boolean; onCancel: () => void; onDone: (l: Licence) => void; licence: Licence }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason: string }>();
  const { busy, submit } = useFormSubmit(form, async ({ reason }) => {
    onDone(await licencesApi.review(licence.id, 'reject', licence.updatedAt, reason.trim()));
  });
  return (
    <Modal
      open={open} title={t('licence.rejectTitle')} onCancel={onCancel} onOk={() => form.submit()} confirmLoading={busy}
      okText={t('licence.reject')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')} destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item
          name="reason" label={t('licence.rejectReason')} extra={t('licence.rejectReasonHint')}
          rules={[{ required: true, whitespace: true, message: t('field.reason.reason_required') }, { min: 2, message: t('field.reason.reason_required') }, { max: 500 }]}
        >
          <Input.TextArea rows={3} maxLength={500} showCount autoFocus />
        </Form.Item>
        <Space wrap size={[4, 8]}>
          {QUICK_REASONS.map((k) => (
            <Tag.CheckableTag key={k} checked={false} onChange={() => form.setFieldsValue({ reason: t(k) })} style={{ border: '1px solid #d9d9d9' }}>
              {t(k)}
            </Tag.CheckableTag>
          ))}
        </Space>
      </Form>
    </Modal>
  );
}

function Checks({ licence }: { licence: Licence }) {
  const { t } = useI18n();
  const today = todayShanghai();
  const numberProblem = checkLicenceNumber(licence.kind, licence.number);
  const left = daysBetween(today, licence.expiresOn);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {numberProblem && <Alert type="warning" showIcon title={t(`licenceNumber.${numberProblem}` as MessageKey)} />}
      {left < 0
        ? <Alert type="error" showIcon title={t('licence.check.expired')} />
        : <Alert type={left <= 30 ? 'warning' : 'info'} showIcon title={t('licence.check.daysLeft', { days: left })} />}
      {!licence.hasScan && <Alert type="error" showIcon title={t('problem.scan_missing')} />}
    </Space>
  );
}

/** One licence: the scan beside its fields, and (for the center) verify or reject with a reason. */
export function LicenceReviewPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { user } = useSession();
  const handle = useProblemHandler();
  const { data: licence, error, loading, reload, setData } = useAsync(() => licencesApi.get(id), [id]);
  const [rejecting, setRejecting] = useState(false);
  const [verifying, setVerifying] = useState(false);
  const [uploading, setUploading] = useState(false);
  useCrumbTitle(licence ? `${licence.supplierName ?? ''} · ${licenceKindLabel(licence.kind, t)}` : null);

  if (error) return <LoadFailed error={error} notFound={t('licence.notFound')} backTo="/admin/licences" backLabel={t('nav.licences')} onRetry={reload} />;
  if (loading && !licence) return <Card><Skeleton active /></Card>;
  if (!licence) return null;

  const center = isCenterFor(user, licence.countyCode);
  const canUpload = canEditSupplier(user, licence.supplierId, licence.countyCode) && (licence.status === 'submitted' || licence.status === 'rejected');
  const reviewable = center && licence.status === 'submitted';

  const done = (l: Licence, text: string) => {
    setData(l);
    message.success(text);
    navigate('/admin/licences');
  };
  const verify = async () => {
    setVerifying(true);
    try {
      done(await licencesApi.review(licence.id, 'verify', licence.updatedAt), t('licence.verified', { supplier: licence.supplierName ?? '' }));
    } catch (err) {
      handle(err);
      if (isProblem(err, 'invalid_transition') || isProblem(err, 'concurrent_change')) reload();
    } finally {
      setVerifying(false);
    }
  };
  const uploadScan = async (file: File) => {
    setUploading(true);
    try {
      setData(await licencesApi.uploadScan(licence.id, file));
      message.success(t('licence.scanUploaded'));
    } catch (err) {
      handle(err);
    } finally {
      setUploading(false);
    }
  };

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={14}>
        <Card
          title={t('licence.scan')}
          extra={canUpload && (
            <Upload accept={SCAN_ACCEPT} showUploadList={false} beforeUpload={(f) => { void uploadScan(f); return false; }}>
              <Button icon={<UploadOutlined />} loading={uploading}>{licence.hasScan ? t('licence.replaceScan') : t('licence.uploadScan')}</Button>
            </Upload>
          )}
        >
          <ScanViewer licenceId={licence.id} hasScan={licence.hasScan} version={licence.updatedAt} />
        </Card>
      </Col>
      <Col xs={24} lg={10}>
        <Card title={<Space wrap><span>{licenceKindLabel(licence.kind, t)}</span><LicenceStatusTag status={licence.status} expiringSoon={licence.expiringSoon} /></Space>}>
          <Descriptions
            column={1}
            size="small"
            items={[
              { key: 'supplier', label: t('licence.supplier'), children: <Link to={`/admin/suppliers/${licence.supplierId}`}>{licence.supplierName}</Link> },
              { key: 'number', label: t('licence.number'), children: licence.number || <Typography.Text type="secondary">{t('licence.noNumber')}</Typography.Text> },
              { key: 'holder', label: t('licence.holder'), children: licence.holderName },
              { key: 'scope', label: t('licence.scope'), children: licence.scope || t('common.none') },
              { key: 'issued', label: t('licence.issuedOn'), children: licence.issuedOn },
              { key: 'expires', label: t('licence.expiresOn'), children: licence.expiresOn },
              { key: 'submitted', label: t('licence.submittedAt'), children: formatDateTime(licence.updatedAt) },
              ...(licence.reviewedAt ? [{ key: 'reviewed', label: t('licence.reviewedAt'), children: formatDateTime(licence.reviewedAt) }] : []),
              ...(licence.rejectReason ? [{ key: 'reason', label: t('licence.rejectReason'), children: <Typography.Text type="danger">{licence.rejectReason}</Typography.Text> }] : []),
            ]}
          />
          {licence.status === 'submitted' && <div style={{ marginTop: 12 }}><Checks licence={licence} /></div>}
          {reviewable && (
            <Space wrap style={{ marginTop: 16 }}>
              <Button type="primary" icon={<CheckOutlined />} loading={verifying} disabled={!licence.hasScan} onClick={() => void verify()} data-testid="verify-licence">
                {t('licence.verify')}
              </Button>
              <Button danger icon={<CloseOutlined />} onClick={() => setRejecting(true)}>{t('licence.reject')}</Button>
            </Space>
          )}
          {reviewable && !licence.hasScan && <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t('licence.verifyNeedsScan')}</Typography.Paragraph>}
          {!center && licence.status === 'submitted' && <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>{t('licence.waitingReview')}</Typography.Paragraph>}
        </Card>
      </Col>
      <RejectModal
        open={rejecting} licence={licence} onCancel={() => setRejecting(false)}
        onDone={(l) => { setRejecting(false); done(l, t('licence.rejected', { supplier: licence.supplierName ?? '' })); }}
      />
    </Row>
  );
}
