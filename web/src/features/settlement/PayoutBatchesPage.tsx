import { Alert, Button, Card, Empty, Form, Input, Modal, Progress, Result, Space, Table, Typography, type TableColumnsType, type ButtonProps } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { isProblem } from '../../api/client';
import { settlementApi, type PayoutBatch } from '../../api/settlement';
import { useI18n } from '../../i18n';
import { formatDateTime, formatFen } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { hasRole, useSession } from '../../shared/session';
import { useCursorList } from '../../shared/useAsync';
import { LoadMore, useProblemHandler } from '../admin/adminShared';
import { BatchStatusTag, PeriodPicker, monthToDate, periodOf, useCountyParam, type PeriodValue } from './settlementShared';

/** 结算单: the county's payout batches, newest first; the center makes one for a period. */
export function PayoutBatchesPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const canWrite = hasRole(user, ['center_admin', 'operator']);
  const { countyCode, countyName, loading: countiesLoading, picker } = useCountyParam(['center_admin', 'operator', 'official']);
  const [creating, setCreating] = useState(false);
  const list = useCursorList((cursor) => (countyCode ? settlementApi.batches({ countyCode, cursor, limit: 20 }) : Promise.resolve({ items: [], nextCursor: null })), [countyCode]);

  const columns: TableColumnsType<PayoutBatch> = [
    { title: t('st.batchNo'), dataIndex: 'batchNo', render: (v: string, b) => <Link to={`/admin/payouts/${b.id}`} data-testid="batch-link">{v}</Link> },
    { title: t('st.period'), key: 'period', render: (_, b) => `${b.from} ~ ${b.to}` },
    { title: t('st.status'), dataIndex: 'status', render: (_, b) => <BatchStatusTag status={b.status} /> },
    { title: t('st.total'), dataIndex: 'totalFen', align: 'right', render: (v: number) => <Typography.Text strong>{formatFen(v)}</Typography.Text> },
    {
      title: t('st.progress'), key: 'progress', responsive: ['md'], render: (_, b) => (
        <Space orientation="vertical" size={0} style={{ minWidth: 140 }}>
          <Progress percent={b.totalFen ? Math.round((b.paidFen / b.totalFen) * 100) : 0} size="small" status={b.status === 'cancelled' ? 'exception' : undefined} />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('st.paidOf', { paid: b.paidCount, count: b.lineCount })}</Typography.Text>
        </Space>
      ),
    },
    { title: t('st.createdAt'), dataIndex: 'createdAt', responsive: ['lg'], render: (v: string) => formatDateTime(v) },
    { title: t('st.note'), dataIndex: 'note', responsive: ['xl'], render: (v: string) => v || '—' },
  ];

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('nav.payouts')}</Typography.Title>}
      extra={<Space wrap>{picker}{canWrite && countyCode && <Button type="primary" onClick={() => setCreating(true)} data-testid="new-batch">{t('st.newBatch')}</Button>}</Space>}
    >
      {!countyCode && !countiesLoading ? <Empty description={t('lg.noCounty')} /> : (
        <>
          <Typography.Paragraph type="secondary">{t('st.batchesIntro')}</Typography.Paragraph>
          {list.error ? <Alert type="error" showIcon style={{ marginBottom: 12 }} title={problemText(list.error, t)} action={<Button size="small" onClick={list.reload}>{t('common.retry')}</Button>} /> : null}
          <Table<PayoutBatch>
            rowKey="id" columns={columns} dataSource={list.items} pagination={false} scroll={{ x: 'max-content' }} size="middle"
            loading={list.loading && list.items.length === 0}
            locale={{ emptyText: <Empty description={canWrite ? t('st.noBatchesWriter') : t('st.noBatches')} /> }}
          />
          <LoadMore hasMore={list.hasMore} loading={list.loading} onMore={list.loadMore} count={list.items.length} />
        </>
      )}
      {countyCode && <CreateBatchModal open={creating} countyCode={countyCode} countyName={countyName ?? countyCode} onClose={() => setCreating(false)} />}
    </Card>
  );
}

interface CreateValues {
  period: PeriodValue;
  note?: string;
}

function CreateBatchModal({ open, countyCode, countyName, onClose }: { open: boolean; countyCode: string; countyName: string; onClose: () => void }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const handle = useProblemHandler();
  const [form] = Form.useForm<CreateValues>();
  const [busy, setBusy] = useState(false);
  /** Nothing owed for the period, or another batch still open: said in the modal, not a toast. */
  const [blocked, setBlocked] = useState<{ kind: 'nothing' } | { kind: 'open'; batchNo: string } | null>(null);

  const submit = async (v: CreateValues) => {
    setBusy(true);
    setBlocked(null);
    try {
      const b = await settlementApi.createBatch({ countyCode, ...periodOf(v.period), note: v.note?.trim() || undefined });
      onClose();
      navigate(`/admin/payouts/${b.id}`);
    } catch (err) {
      if (isProblem(err, 'nothing_to_pay')) setBlocked({ kind: 'nothing' });
      else if (isProblem(err, 'open_batch_exists')) setBlocked({ kind: 'open', batchNo: String(err.body.batchNo ?? '') });
      else handle(err, form, { from: 'period', to: 'period' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open} onCancel={onClose} title={t('st.newBatchTitle', { county: countyName })} destroyOnHidden
      okText={t('st.createBatch')} onOk={() => form.submit()} okButtonProps={{ loading: busy, 'data-testid': 'create-batch-submit' } as ButtonProps}
      width={520}
    >
      <Form<CreateValues> form={form} layout="vertical" initialValues={{ period: monthToDate() }} onFinish={(v) => void submit(v)} onValuesChange={() => setBlocked(null)}>
        <Form.Item name="period" label={t('st.period')} extra={t('st.periodHint')} rules={[{ required: true, message: t('st.periodRequired') }]}>
          <PeriodPicker id="batch-period" />
        </Form.Item>
        <Form.Item name="note" label={t('st.note')}>
          <Input maxLength={200} showCount placeholder={t('st.notePlaceholder')} />
        </Form.Item>
      </Form>
      {blocked?.kind === 'nothing' && (
        <Result status="info" style={{ padding: '8px 0' }} data-testid="nothing-to-pay" title={t('st.nothingToPay')} subTitle={t('st.nothingToPayHint')} />
      )}
      {blocked?.kind === 'open' && (
        <Alert type="warning" showIcon data-testid="open-batch-exists" title={t('st.openBatchExists', { batchNo: blocked.batchNo })} description={t('st.openBatchExistsHint')} />
      )}
    </Modal>
  );
}
