import { InboxOutlined } from '@ant-design/icons';
import { Alert, Button, Modal, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { fulfilmentApi, type TrackingImport } from '../../api/fulfilment';
import { useI18n } from '../../i18n';
import { problemText } from '../../shared/problems';
import { resultReason } from './ShipDrawer';

/** 导入快递单号: upload the filled-in packing list (XLSX or CSV); then what shipped and each row's problem. */
export function ImportTrackingModal({ open, onClose, onImported }: { open: boolean; onClose: () => void; onImported: () => void }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<TrackingImport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [fileName, setFileName] = useState('');

  const upload = async (file: File) => {
    setBusy(true);
    setError(null);
    setResult(null);
    setFileName(file.name);
    try {
      const r = await fulfilmentApi.importTracking(file);
      setResult(r);
      if (r.shipped.length) onImported();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const close = () => { setResult(null); setError(null); onClose(); };

  return (
    <Modal open={open} onCancel={close} title={t('fo.importTitle')} width={720} destroyOnHidden
      footer={<Button type="primary" onClick={close}>{t('fo.close')}</Button>}>
      <Typography.Paragraph type="secondary">{t('fo.importHint')}</Typography.Paragraph>
      <Upload.Dragger accept=".xlsx,.csv" multiple={false} showUploadList={false} disabled={busy}
        beforeUpload={(file) => { void upload(file); return false; }} data-testid="import-upload">
        <p className="ant-upload-drag-icon"><InboxOutlined /></p>
        <p className="ant-upload-text">{busy ? t('fo.importBusy', { name: fileName }) : t('fo.importDrop')}</p>
        <p className="ant-upload-hint">{t('fo.importFormats')}</p>
      </Upload.Dragger>
      {error ? <Alert style={{ marginTop: 12 }} type="error" showIcon title={problemText(error, t)} /> : null}
      {result && (
        <div style={{ marginTop: 12 }} data-testid="import-result">
          <Alert showIcon type={result.errors.length ? (result.shipped.length ? 'warning' : 'error') : 'success'}
            title={t('fo.importSummary', { name: fileName, rows: result.rows, shipped: result.shipped.length, failed: result.errors.length })}
            description={result.errors.length ? t('fo.importFixHint') : undefined} />
          {result.errors.length > 0 && (
            <Table
              style={{ marginTop: 12 }} size="small" rowKey={(r) => `${r.row}-${r.code}`} pagination={false} dataSource={result.errors} scroll={{ x: 'max-content', y: 320 }}
              columns={[
                { title: t('fo.importRow'), dataIndex: 'row', width: 70 },
                { title: t('fo.orderNo'), dataIndex: 'orderNo', render: (v: string | null) => v ?? '—' },
                { title: t('fo.importReason'), key: 'reason', render: (_, r) => <Typography.Text type="danger">{resultReason(r.code, r.reason, t)}</Typography.Text> },
              ]}
            />
          )}
        </div>
      )}
    </Modal>
  );
}
