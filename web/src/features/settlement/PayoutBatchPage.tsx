import { DownloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Empty, Form, Input, Modal, Popconfirm, Space, Spin, Statistic, Table, Tag, Typography, type TableColumnsType, type ButtonProps } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { saveDownload } from '../../api/fulfilment';
import { settlementApi, type PayResult, type PayoutBatch, type PayoutLine } from '../../api/settlement';
import { useI18n } from '../../i18n';
import { formatDateTime, formatFen } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { hasRole, useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';
import { LoadFailed, useProblemHandler } from '../admin/adminShared';
import { useCrumbTitle } from '../admin/crumbs';
import { usePartyNames } from '../ledger/useParties';
import { BatchStatusTag, LineStatusTag, PayeeKindTag, payFailureText, payLineErrorText } from './settlementShared';

/** What the last pay action said about one line. */
type LineNote = { ok: true; alreadyPaid: boolean } | { ok: false; text: string };

/** 结算单详情: the lines to pay, the bank file, paying one line or all, cancelling. */
export function PayoutBatchPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { id = '' } = useParams();
  const { user } = useSession();
  const canWrite = hasRole(user, ['center_admin', 'operator']);
  const handle = useProblemHandler();
  const state = useAsync((signal) => settlementApi.batch(id, signal), [id]);
  const [batch, setBatch] = useState<PayoutBatch | null>(null);
  useEffect(() => setBatch(state.data ?? null), [state.data]);
  const [notes, setNotes] = useState<Record<string, LineNote>>({});
  const [summary, setSummary] = useState<{ paid: number; alreadyPaid: number; failed: number } | null>(null);
  const [busyLine, setBusyLine] = useState<string | null>(null);
  const [busyAll, setBusyAll] = useState(false);
  const [downloading, setDownloading] = useState(false);
  const [downloadedAt, setDownloadedAt] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  useCrumbTitle(batch?.batchNo);
  const partyName = usePartyNames(batch?.countyCode);

  if (state.error && !batch) {
    return <Card><LoadFailed error={state.error} notFound={t('st.batchNotFound')} backTo="/admin/payouts" backLabel={t('st.backToBatches')} onRetry={state.reload} /></Card>;
  }
  if (!batch) return <Card><div style={{ textAlign: 'center', padding: 48 }}><Spin /></div></Card>;

  const unpaid = batch.lines.filter((l) => l.status === 'unpaid');
  const open = batch.status === 'open';

  const download = async () => {
    setDownloading(true);
    try {
      saveDownload(await settlementApi.bankFile(batch));
      setDownloadedAt(new Date().toISOString());
      message.success(t('st.bankFileSaved'));
    } catch (err) {
      handle(err);
    } finally {
      setDownloading(false);
    }
  };

  const payOne = async (line: PayoutLine) => {
    setBusyLine(line.id);
    setSummary(null);
    try {
      const r = await settlementApi.payLine(batch.id, line.id);
      setBatch(r.batch);
      setNotes((n) => ({ ...n, [line.id]: { ok: true, alreadyPaid: r.result.alreadyPaid } }));
      message.success(r.result.alreadyPaid ? t('st.lineAlreadyPaid', { name: line.payeeName }) : t('st.linePaid', { name: line.payeeName, amount: formatFen(line.amountFen) }));
    } catch (err) {
      setNotes((n) => ({ ...n, [line.id]: { ok: false, text: payLineErrorText(err, line.payeeName, t) } }));
      message.error(payLineErrorText(err, line.payeeName, t));
      void settlementApi.batch(batch.id).then(setBatch).catch(() => {});
    } finally {
      setBusyLine(null);
    }
  };

  const payAll = async () => {
    setBusyAll(true);
    try {
      const r = await settlementApi.payAll(batch.id);
      setBatch(r.batch);
      const next: Record<string, LineNote> = {};
      for (const res of r.results as PayResult[]) {
        next[res.lineId] = res.ok ? { ok: true, alreadyPaid: res.alreadyPaid } : { ok: false, text: payFailureText(res.code, res.detail, t) };
      }
      setNotes(next);
      setSummary({ paid: r.paid, alreadyPaid: r.alreadyPaid, failed: r.failed });
    } catch (err) {
      handle(err);
    } finally {
      setBusyAll(false);
    }
  };

  const columns: TableColumnsType<PayoutLine> = [
    { title: t('st.payeeKind'), dataIndex: 'payeeKind', render: (_, l) => <PayeeKindTag kind={l.payeeKind} /> },
    {
      title: t('st.payee'), dataIndex: 'payeeName', render: (v: string, l) => {
        const party = l.payeeKind === 'supplier' ? partyName(l.partyId) : null;
        return party && party !== l.partyId && party !== v
          ? <span><Typography.Text strong>{party}</Typography.Text><div style={{ fontSize: 12, color: '#888' }}>{t('st.accountName', { name: v })}</div></span>
          : <Typography.Text strong>{v}</Typography.Text>;
      },
    },
    {
      title: t('st.account'), key: 'account', render: (_, l) => (l.payeeDetailsMissing
        ? <Tag color="error">{t('st.payeeMissing')}</Tag>
        : <span>{l.payeeBank}<div style={{ fontSize: 12, color: '#888' }}>{t('st.accountEnding', { last: l.payeeAccountMasked })}</div></span>),
    },
    { title: t('st.amount'), dataIndex: 'amountFen', align: 'right', render: (v: number) => <Typography.Text strong>{formatFen(v)}</Typography.Text> },
    {
      title: t('st.status'), dataIndex: 'status', render: (_, l) => {
        const note = notes[l.id];
        return (
          <Space orientation="vertical" size={2} style={{ maxWidth: 320 }}>
            <LineStatusTag status={l.status} />
            {l.paidAt && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{formatDateTime(l.paidAt)}</Typography.Text>}
            {note && !note.ok && <Typography.Text type="danger" style={{ fontSize: 12, whiteSpace: 'normal' }} data-testid="line-error">{note.text}</Typography.Text>}
            {note?.ok && note.alreadyPaid && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('st.wasAlreadyPaid')}</Typography.Text>}
          </Space>
        );
      },
    },
  ];
  if (canWrite && open) {
    columns.push({
      title: t('common.actions'), key: 'act', render: (_, l) => (l.status === 'unpaid' ? (
        <Popconfirm title={t('st.payOneConfirm', { name: l.payeeName, amount: formatFen(l.amountFen) })} description={t('st.payOneConfirmHint')} okText={t('st.markPaid')} onConfirm={() => payOne(l)}>
          <Button size="small" loading={busyLine === l.id} disabled={busyAll || l.payeeDetailsMissing} data-testid="pay-line">{t('st.markPaid')}</Button>
        </Popconfirm>
      ) : null),
    });
  }

  return (
    <Card
      title={<Space wrap><Typography.Title level={4} style={{ margin: 0 }}>{t('st.batchTitle', { no: batch.batchNo })}</Typography.Title><BatchStatusTag status={batch.status} /></Space>}
      extra={<Link to={`/admin/payouts?county=${batch.countyCode}`}><Button>{t('st.backToBatches')}</Button></Link>}
    >
      <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('st.period')}>{batch.from} ~ {batch.to}</Descriptions.Item>
        <Descriptions.Item label={t('st.createdAt')}>{formatDateTime(batch.createdAt)}</Descriptions.Item>
        {batch.closedAt && <Descriptions.Item label={t('st.closedAt')}>{formatDateTime(batch.closedAt)}</Descriptions.Item>}
        {batch.note && <Descriptions.Item label={t('st.note')}>{batch.note}</Descriptions.Item>}
      </Descriptions>
      <Space wrap size={32} style={{ marginBottom: 16 }}>
        <Statistic title={t('st.total')} value={formatFen(batch.totalFen)} />
        <Statistic title={t('st.paidAmount')} value={formatFen(batch.paidFen)} />
        <Statistic title={t('st.lines')} value={t('st.paidOf', { paid: batch.paidCount, count: batch.lineCount })} />
      </Space>

      {canWrite && batch.status !== 'cancelled' && (
        <Card size="small" style={{ marginBottom: 16, background: '#fafafa' }}>
          <Space wrap>
            <Button icon={<DownloadOutlined />} onClick={() => void download()} loading={downloading} data-testid="bank-file">{t('st.bankFile')}</Button>
            {open && unpaid.length > 0 && (
              <Popconfirm title={t('st.payAllConfirm', { count: unpaid.length, amount: formatFen(unpaid.reduce((s, l) => s + l.amountFen, 0)) })} description={t('st.payAllConfirmHint')} okText={t('st.payAll')} onConfirm={payAll}>
                <Button type="primary" loading={busyAll} data-testid="pay-all">{t('st.payAll')}</Button>
              </Popconfirm>
            )}
            {open && <Button danger onClick={() => setCancelling(true)} data-testid="cancel-batch">{t('st.cancelBatch')}</Button>}
          </Space>
          <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0', fontSize: 12 }} data-testid="bank-file-note">
            {downloadedAt ? t('st.bankFileRecordedAt', { at: formatDateTime(downloadedAt) }) : t('st.bankFileNote')}
          </Typography.Paragraph>
        </Card>
      )}

      {summary && (
        <Alert
          style={{ marginBottom: 16 }} showIcon closable onClose={() => setSummary(null)} data-testid="pay-summary"
          type={summary.failed ? 'warning' : 'success'}
          title={summary.failed ? t('st.paySomeFailed', { paid: summary.paid, failed: summary.failed }) : t('st.payAllDone', { paid: summary.paid })}
          description={summary.failed ? t('st.paySomeFailedHint') : summary.alreadyPaid ? t('st.payAlreadyPaidCount', { count: summary.alreadyPaid }) : undefined}
        />
      )}
      {state.error ? <Typography.Paragraph type="danger">{problemText(state.error, t)}</Typography.Paragraph> : null}

      <Table<PayoutLine>
        rowKey="id" columns={columns} dataSource={batch.lines} pagination={false} scroll={{ x: 'max-content' }} size="middle"
        locale={{ emptyText: <Empty description={t('st.noLines')} /> }}
        rowClassName={(l) => (notes[l.id] && !notes[l.id]!.ok ? 'ant-table-row-selected' : '')}
      />
      <CancelModal open={cancelling} batch={batch} onClose={() => setCancelling(false)} onDone={(b) => { setBatch(b); setCancelling(false); setNotes({}); setSummary(null); }} />
    </Card>
  );
}

function CancelModal({ open, batch, onClose, onDone }: { open: boolean; batch: PayoutBatch; onClose: () => void; onDone: (b: PayoutBatch) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const handle = useProblemHandler();
  const [busy, setBusy] = useState(false);
  const submit = async ({ reason }: { reason: string }) => {
    setBusy(true);
    try {
      const b = await settlementApi.cancel(batch.id, reason.trim());
      message.success(t('st.cancelled', { no: batch.batchNo }));
      onDone(b);
    } catch (err) {
      handle(err, form);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} onCancel={onClose} destroyOnHidden title={t('st.cancelTitle', { no: batch.batchNo })}
      okText={t('st.cancelConfirm')} okButtonProps={{ danger: true, loading: busy, 'data-testid': 'cancel-submit' } as ButtonProps} cancelText={t('st.keepBatch')} onOk={() => form.submit()}>
      <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={batch.paidCount ? t('st.cancelWarnPaid', { paid: batch.paidCount }) : t('st.cancelWarn')} />
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item name="reason" label={t('st.cancelReason')} rules={[{ required: true, whitespace: true, message: t('st.cancelReasonRequired') }]}>
          <Input.TextArea maxLength={200} showCount rows={3} placeholder={t('st.cancelReasonPlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
