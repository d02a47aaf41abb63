import { EditOutlined, FileAddOutlined, UploadOutlined } from '@ant-design/icons';
import { App, Button, Card, Descriptions, Empty, Skeleton, Space, Table, Typography, Upload, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { licencesApi, suppliersApi } from '../../api/suppliers';
import type { Licence, SupplierDetail } from '../../api/types';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../shared/format';
import { licenceKindLabel } from '../../shared/problems';
import { canEditSupplier, isCenterFor, useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';
import { LicenceStatusTag, LoadFailed, SupplierStatusTag, useProblemHandler } from '../admin/adminShared';
import { useCrumbTitle } from '../admin/crumbs';
import { LicenceDrawer, SCAN_ACCEPT } from './LicenceDrawer';
import { SupplierDrawer } from './SupplierDrawer';
import { SupplierStatusModal } from './SupplierStatusModal';

function LicenceTable({ supplier, onChanged, onEdit }: { supplier: SupplierDetail; onChanged: () => void; onEdit: (l: Licence) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { user } = useSession();
  const handle = useProblemHandler();
  const [uploading, setUploading] = useState<string | null>(null);
  const editable = canEditSupplier(user, supplier.id, supplier.countyCode);
  const center = isCenterFor(user, supplier.countyCode);

  const upload = async (l: Licence, file: File) => {
    setUploading(l.id);
    try {
      await licencesApi.uploadScan(l.id, file);
      message.success(t('licence.scanUploaded'));
      onChanged();
    } catch (err) {
      handle(err);
    } finally {
      setUploading(null);
    }
  };

  const columns: TableColumnsType<Licence> = [
    { title: t('licence.kind'), dataIndex: 'kind', render: (_, l) => licenceKindLabel(l.kind, t) },
    { title: t('licence.number'), dataIndex: 'number', render: (v: string) => v || <Typography.Text type="secondary">{t('licence.noNumber')}</Typography.Text> },
    { title: t('licence.validity'), key: 'validity', render: (_, l) => `${l.issuedOn} ~ ${l.expiresOn}`, responsive: ['md'] },
    {
      title: t('common.status'), dataIndex: 'status',
      render: (_, l) => (
        <Space orientation="vertical" size={0}>
          <span><LicenceStatusTag status={l.status} expiringSoon={l.expiringSoon} /></span>
          {l.status === 'rejected' && l.rejectReason && <Typography.Text type="danger" style={{ fontSize: 12 }}>{t('licence.rejectReasonShort', { reason: l.rejectReason })}</Typography.Text>}
        </Space>
      ),
    },
    { title: t('licence.scan'), dataIndex: 'hasScan', render: (v: boolean) => (v ? t('licence.scanYes') : <Typography.Text type="warning">{t('licence.scanNo')}</Typography.Text>) },
    {
      title: t('common.actions'), key: 'actions',
      render: (_, l) => {
        const open = l.status === 'submitted' || l.status === 'rejected';
        return (
          <Space wrap size={4}>
            <Link to={`/admin/licences/${l.id}`}>{center && l.status === 'submitted' ? t('licence.review') : t('common.view')}</Link>
            {editable && open && (
              <Upload accept={SCAN_ACCEPT} showUploadList={false} beforeUpload={(f) => { void upload(l, f); return false; }}>
                <Button size="small" type="link" icon={<UploadOutlined />} loading={uploading === l.id}>{l.hasScan ? t('licence.replaceScan') : t('licence.uploadScan')}</Button>
              </Upload>
            )}
            {editable && open && <Button size="small" type="link" icon={<EditOutlined />} onClick={() => onEdit(l)}>{t('common.edit')}</Button>}
          </Space>
        );
      },
    },
  ];
  return (
    <Table<Licence>
      rowKey="id" columns={columns} dataSource={supplier.licences} pagination={false} scroll={{ x: 'max-content' }}
      locale={{ emptyText: <Empty description={editable ? t('licence.emptyForSupplier') : t('licence.emptyReadOnly')} /> }}
    />
  );
}

/** One supplier: its details, its licences (submit, correct, upload scans) and a link to its products. */
export function SupplierDetailPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { message } = App.useApp();
  const { user } = useSession();
  const { data: supplier, error, loading, reload, setData } = useAsync(() => suppliersApi.get(id), [id]);
  const [editing, setEditing] = useState(false);
  const [licenceDrawer, setLicenceDrawer] = useState<{ open: boolean; licence?: Licence }>({ open: false });
  const [statusOpen, setStatusOpen] = useState(false);
  useCrumbTitle(supplier?.name);

  if (error) return <LoadFailed error={error} notFound={t('supplier.notFound')} backTo="/admin/suppliers" backLabel={t('nav.suppliers')} onRetry={reload} />;
  if (loading && !supplier) return <Card><Skeleton active /></Card>;
  if (!supplier) return null;

  const editable = canEditSupplier(user, supplier.id, supplier.countyCode);
  const center = isCenterFor(user, supplier.countyCode);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={<Space wrap><Typography.Title level={4} style={{ margin: 0 }}>{supplier.name}</Typography.Title><SupplierStatusTag status={supplier.status} /></Space>}
        extra={(
          <Space wrap>
            <Link to={`/admin/products?supplierId=${supplier.id}`}><Button>{t('supplier.products')}</Button></Link>
            {editable && <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>{t('common.edit')}</Button>}
            {center && (
              <Button danger={supplier.status === 'active'} onClick={() => setStatusOpen(true)}>
                {supplier.status === 'active' ? t('supplier.suspend') : t('supplier.activate')}
              </Button>
            )}
          </Space>
        )}
      >
        <Descriptions
          column={{ xs: 1, sm: 1, md: 2, lg: 3 }}
          items={[
            { key: 'type', label: t('supplier.type'), children: t(`supplierType.${supplier.type}`) },
            { key: 'village', label: t('supplier.village'), children: supplier.villageName },
            { key: 'contact', label: t('supplier.contactName'), children: supplier.contactName },
            { key: 'phone', label: t('supplier.phone'), children: supplier.phone },
            { key: 'payee', label: t('supplier.payee'), children: [supplier.payeeName, supplier.payeeBank, supplier.payeeAccount].filter(Boolean).join(' · ') || t('common.none') },
            { key: 'created', label: t('common.createdAt'), children: formatDateTime(supplier.createdAt) },
            { key: 'story', label: t('supplier.story'), span: 'filled', children: <span style={{ whiteSpace: 'pre-wrap' }}>{supplier.story || t('supplier.noStory')}</span> },
            ...(supplier.description ? [{ key: 'desc', label: t('supplier.description'), span: 'filled' as const, children: <span style={{ whiteSpace: 'pre-wrap' }}>{supplier.description}</span> }] : []),
          ]}
        />
      </Card>
      <Card
        title={t('supplier.licences')}
        extra={editable && <Button type="primary" icon={<FileAddOutlined />} onClick={() => setLicenceDrawer({ open: true })}>{t('licence.submit')}</Button>}
      >
        <LicenceTable supplier={supplier} onChanged={reload} onEdit={(l) => setLicenceDrawer({ open: true, licence: l })} />
      </Card>
      <SupplierDrawer
        open={editing} supplier={supplier} onClose={() => setEditing(false)}
        onSaved={(s) => { setEditing(false); setData(s); message.success(t('common.saved')); }}
      />
      <SupplierStatusModal supplier={supplier} open={statusOpen} onClose={() => setStatusOpen(false)} onDone={(s) => { setStatusOpen(false); setData(s); }} />
      <LicenceDrawer
        open={licenceDrawer.open} supplierId={supplier.id} supplierName={supplier.name} licence={licenceDrawer.licence}
        onClose={() => setLicenceDrawer({ open: false })}
        onSaved={() => { setLicenceDrawer({ open: false }); message.success(t('licence.submitted')); reload(); }}
      />
    </Space>
  );
}
