import {
  Alert, App, Badge, Button, Calendar, Card, Col, Descriptions, Empty, Form, Input, InputNumber, Modal, Result, Row, Segmented, Space, Statistic, Table, Tag, Typography, Upload,
  type TableColumnsType,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { isProblem } from '../../api/client';
import {
  liveApi, type Approval, type ExternalSale, type LiveItem, type LiveSession, type SessionReport, type SessionStatus, type SessionSummary, type StreamKey,
} from '../../api/liveSessions';
import { useI18n } from '../../i18n';
import { formatFen } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { useAsync } from '../../shared/useAsync';
import { useProblemHandler } from '../admin/adminShared';
import { useCrumbTitle } from '../admin/crumbs';
import { approvalKey, formatSlot, formatWindow, kindKey, parseYuan, platformKey, shanghaiDate, statusKey } from './sessionShared';

const STATUS_COLOR: Record<SessionStatus, string> = { scheduled: 'blue', live: 'red', ended: 'default', cancelled: 'default' };
const APPROVAL_COLOR: Record<Approval, string> = { pending: 'gold', approved: 'green', rejected: 'red' };

export function SessionTags({ s }: { s: { status: SessionStatus; approval: Approval; kind: LiveSession['kind'] } }) {
  const { t } = useI18n();
  return (
    <Space size={4} wrap>
      <Tag color={STATUS_COLOR[s.status]}>{t(statusKey(s.status))}</Tag>
      {s.status === 'scheduled' && s.kind !== 'practice' && <Tag color={APPROVAL_COLOR[s.approval]}>{t(approvalKey(s.approval))}</Tag>}
      <Tag>{t(kindKey(s.kind))}</Tag>
    </Space>
  );
}

/** 直播日历: every host's sessions of my counties by day (month view), with a list of the month below. */
export function LiveCalendarPage() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const month = dayjs(params.get('month') ?? undefined).isValid() ? dayjs(params.get('month') ?? undefined).startOf('month') : dayjs().startOf('month');
  const [status, setStatus] = useState<SessionStatus | 'all'>('all');
  const from = month.startOf('week').subtract(1, 'day').format('YYYY-MM-DD');
  const to = month.endOf('month').endOf('week').add(1, 'day').format('YYYY-MM-DD');
  const list = useAsync((signal) => liveApi.list({ from, to, ...(status === 'all' ? {} : { status }) }, signal), [from, to, status]);
  const byDay = useMemo(() => {
    const m = new Map<string, SessionSummary[]>();
    for (const s of list.data?.items ?? []) {
      const d = shanghaiDate(s.scheduledStart);
      m.set(d, [...(m.get(d) ?? []), s]);
    }
    return m;
  }, [list.data]);
  const inMonth = (list.data?.items ?? []).filter((s) => shanghaiDate(s.scheduledStart).startsWith(month.format('YYYY-MM')));
  const columns: TableColumnsType<SessionSummary> = [
    { title: t('live.admin.time'), key: 'time', render: (_, s) => formatWindow(s.scheduledStart, s.scheduledEnd, lang) },
    { title: t('live.admin.titleCol'), dataIndex: 'title', render: (v: string, s) => <Link to={`/admin/live/${s.id}`} data-testid="calendar-session">{v}</Link> },
    { title: t('live.admin.host'), key: 'host', render: (_, s) => s.host.name },
    { title: t('live.admin.state'), key: 'state', render: (_, s) => <SessionTags s={s} /> },
    { title: t('live.admin.items'), dataIndex: 'itemCount', align: 'right', responsive: ['md'] },
    { title: t('live.admin.reservations'), dataIndex: 'reservationCount', align: 'right', responsive: ['lg'] },
  ];
  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('nav.liveCalendar')}</Typography.Title>}
      extra={(
        <Space wrap>
          <Segmented<SessionStatus | 'all'> value={status} onChange={setStatus}
            options={(['all', 'scheduled', 'live', 'ended', 'cancelled'] as const).map((s) => ({ value: s, label: s === 'all' ? t('live.admin.all') : t(statusKey(s)) }))} />
          <Link to="/admin/live/approvals"><Button>{t('nav.liveApprovals')}</Button></Link>
        </Space>
      )}
    >
      {list.error ? <Alert type="error" showIcon style={{ marginBottom: 12 }} title={problemText(list.error, t)} action={<Button size="small" onClick={list.reload}>{t('common.retry')}</Button>} /> : null}
      {list.data?.truncated && <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('live.admin.truncated')} />}
      <Calendar
        value={month.isSame(dayjs(), 'month') ? dayjs() : month}
        onPanelChange={(d: Dayjs) => setParams({ month: d.format('YYYY-MM') }, { replace: true })}
        onSelect={(d: Dayjs, info) => { if (info.source === 'date' && !d.isSame(month, 'month')) setParams({ month: d.format('YYYY-MM') }, { replace: true }); }}
        mode="month"
        cellRender={(d: Dayjs, info) => {
          if (info.type !== 'date') return info.originNode;
          const day = byDay.get(d.format('YYYY-MM-DD')) ?? [];
          return (
            <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
              {day.slice(0, 4).map((s) => (
                <li key={s.id} style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
                  <a onClick={(e) => { e.stopPropagation(); navigate(`/admin/live/${s.id}`); }} title={`${s.title} · ${s.host.name}`}>
                    <Badge status={s.status === 'live' ? 'error' : s.status === 'scheduled' ? (s.approval === 'approved' ? 'success' : 'warning') : 'default'}
                      text={`${formatSlot(s.scheduledStart, lang).split(' ').pop()} ${s.title}`} />
                  </a>
                </li>
              ))}
              {day.length > 4 && <li><Typography.Text type="secondary">{t('live.admin.more', { n: day.length - 4 })}</Typography.Text></li>}
            </ul>
          );
        }}
      />
      <Typography.Title level={5} style={{ marginTop: 16 }}>{t('live.admin.monthList', { month: month.format('YYYY-MM') })}</Typography.Title>
      <Table<SessionSummary> rowKey="id" columns={columns} dataSource={inMonth} pagination={false} size="middle" scroll={{ x: 'max-content' }}
        loading={list.loading && !list.data} locale={{ emptyText: <Empty description={t('live.admin.noSessions')} /> }} />
    </Card>
  );
}

function RejectModal({ session, onClose, onDone }: { session: { id: string; title: string; updatedAt: string } | null; onClose: () => void; onDone: (s: LiveSession) => void }) {
  const { t } = useI18n();
  const handle = useProblemHandler();
  const [form] = Form.useForm<{ note: string }>();
  const [busy, setBusy] = useState(false);
  return (
    <Modal open={!!session} title={t('live.admin.rejectTitle', { title: session?.title ?? '' })} onCancel={onClose} okText={t('live.admin.reject')} okButtonProps={{ danger: true, loading: busy }}
      onOk={() => form.submit()} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={async (v) => {
        if (!session) return;
        setBusy(true);
        try { onDone(await liveApi.reject(session.id, v.note.trim(), session.updatedAt)); form.resetFields(); } catch (err) { handle(err, form); } finally { setBusy(false); }
      }}>
        <Form.Item name="note" label={t('live.admin.rejectNote')} rules={[{ required: true, whitespace: true, min: 2, message: t('live.admin.rejectNoteRequired') }]}>
          <Input.TextArea rows={3} maxLength={500} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 直播审核: hosted and external sessions waiting for the center, soonest first. */
export function LiveApprovalsPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const handle = useProblemHandler();
  const today = dayjs().format('YYYY-MM-DD');
  const list = useAsync((signal) => liveApi.list({ approval: 'pending', status: 'scheduled', from: dayjs().subtract(1, 'day').format('YYYY-MM-DD'), to: dayjs(today).add(90, 'day').format('YYYY-MM-DD') }, signal), []);
  const [rejecting, setRejecting] = useState<SessionSummary | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const items = (list.data?.items ?? []).filter((s) => s.kind !== 'practice');
  const approve = async (s: SessionSummary) => {
    setBusy(s.id);
    try { await liveApi.approve(s.id, '', s.updatedAt); message.success(t('live.admin.approved', { title: s.title })); list.reload(); } catch (err) { handle(err); list.reload(); } finally { setBusy(null); }
  };
  const columns: TableColumnsType<SessionSummary> = [
    { title: t('live.admin.time'), key: 'time', render: (_, s) => formatWindow(s.scheduledStart, s.scheduledEnd, lang) },
    { title: t('live.admin.titleCol'), dataIndex: 'title', render: (v: string, s) => <Link to={`/admin/live/${s.id}`}>{v}</Link> },
    { title: t('live.admin.host'), key: 'host', render: (_, s) => s.host.name },
    { title: t('live.admin.kind'), key: 'kind', render: (_, s) => <Space size={4}><Tag>{t(kindKey(s.kind))}</Tag>{s.platform && <Tag>{t(platformKey(s.platform))}</Tag>}</Space> },
    { title: t('live.admin.items'), dataIndex: 'itemCount', align: 'right' },
    {
      title: t('live.admin.actions'), key: 'actions', fixed: 'right', render: (_, s) => (
        <Space>
          <Button type="primary" size="small" loading={busy === s.id} onClick={() => void approve(s)} data-testid="approve">{t('live.admin.approve')}</Button>
          <Button danger size="small" onClick={() => setRejecting(s)} data-testid="reject">{t('live.admin.reject')}</Button>
        </Space>
      ),
    },
  ];
  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('nav.liveApprovals')}</Typography.Title>}>
      <Typography.Paragraph type="secondary">{t('live.admin.approvalsIntro')}</Typography.Paragraph>
      {list.error ? <Alert type="error" showIcon style={{ marginBottom: 12 }} title={problemText(list.error, t)} action={<Button size="small" onClick={list.reload}>{t('common.retry')}</Button>} /> : null}
      <Table<SessionSummary> rowKey="id" columns={columns} dataSource={items} pagination={false} size="middle" scroll={{ x: 'max-content' }}
        loading={list.loading && !list.data} locale={{ emptyText: <Empty description={t('live.admin.noPending')} /> }} />
      <RejectModal session={rejecting} onClose={() => setRejecting(null)} onDone={(s) => { setRejecting(null); message.success(t('live.admin.rejected', { title: s.title })); list.reload(); }} />
    </Card>
  );
}

function StreamKeyBlock({ s }: { s: LiveSession }) {
  const { t } = useI18n();
  const handle = useProblemHandler();
  const { modal } = App.useApp();
  const [key, setKey] = useState<StreamKey | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<StreamKey>) => { setBusy(true); try { setKey(await fn()); } catch (err) { handle(err); } finally { setBusy(false); } };
  if (!key) return <Button onClick={() => void run(() => liveApi.streamKey(s.id))} loading={busy} data-testid="admin-show-key">{t('live.key.show')}</Button>;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Text type="secondary">{t('live.key.hint')}</Typography.Text>
      <Descriptions size="small" column={1} bordered items={[
        { key: 'server', label: t('live.key.server'), children: <Typography.Text copyable code>{key.ingestUrl}</Typography.Text> },
        { key: 'key', label: t('live.key.key'), children: <Typography.Text copyable code data-testid="admin-stream-key">{key.streamKey}</Typography.Text> },
        { key: 'full', label: t('live.key.full'), children: <Typography.Text copyable code>{key.fullUrl}</Typography.Text> },
      ]} />
      {(s.status === 'scheduled' || s.status === 'live') && (
        <Button danger loading={busy} onClick={() => modal.confirm({ title: t('live.key.rotateConfirm'), onOk: () => run(() => liveApi.rotateKey(s.id)) })}>{t('live.key.rotate')}</Button>
      )}
    </Space>
  );
}

function ExternalSales({ s, report, reload }: { s: LiveSession; report: SessionReport; reload: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const handle = useProblemHandler();
  const [form] = Form.useForm<{ label: string; orders: number; units: number; gmv: string }>();
  const [importErrors, setImportErrors] = useState<{ row: number; code: string; reason: string }[] | null>(null);
  const canWrite = s.status !== 'cancelled';
  const columns: TableColumnsType<ExternalSale> = [
    { title: t('live.ext.label'), dataIndex: 'label' },
    { title: t('live.report.orders'), dataIndex: 'orders', align: 'right' },
    { title: t('live.ext.units'), dataIndex: 'units', align: 'right' },
    { title: t('live.report.gmv'), dataIndex: 'gmvFen', align: 'right', render: (v: number) => formatFen(v) },
    { title: t('live.ext.source'), dataIndex: 'source', render: (v: string) => <Tag>{t(v === 'import' ? 'live.ext.imported' : 'live.ext.manual')}</Tag> },
    ...(canWrite ? [{
      title: '', key: 'del', render: (_: unknown, r: ExternalSale) => (
        <Button size="small" type="link" danger onClick={async () => { try { await liveApi.deleteSale(s.id, r.id); reload(); } catch (err) { handle(err); } }}>{t('live.ext.delete')}</Button>
      ),
    }] : []),
  ];
  return (
    <Card size="small" title={t('live.ext.title')} style={{ marginTop: 16 }}
      extra={canWrite && (
        <Upload accept=".xlsx,.csv" showUploadList={false} customRequest={async ({ file }) => {
          setImportErrors(null);
          try {
            const r = await liveApi.importSales(s.id, file as Blob);
            message.success(t('live.ext.importedToast', { n: r.imported, replaced: r.replaced }));
            reload();
          } catch (err) {
            if (isProblem(err, 'import_rows_invalid')) setImportErrors((err.body.rows as { row: number; code: string; reason: string }[]) ?? []);
            handle(err);
          }
        }}>
          <Button data-testid="import-sales">{t('live.ext.import')}</Button>
        </Upload>
      )}>
      <Typography.Paragraph type="secondary">{t('live.ext.intro')}</Typography.Paragraph>
      {importErrors && (
        <Alert type="error" showIcon style={{ marginBottom: 12 }} title={t('live.ext.rowsInvalid')}
          description={<ul style={{ margin: 0 }}>{importErrors.map((e) => <li key={e.row}>{t('live.ext.rowError', { row: e.row, reason: e.reason })}</li>)}</ul>} />
      )}
      <Table<ExternalSale> rowKey="id" size="small" columns={columns} dataSource={report.external.sales} pagination={false} locale={{ emptyText: <Empty description={t('live.ext.empty')} /> }} />
      {canWrite && (
        <Form form={form} layout="inline" style={{ marginTop: 12, rowGap: 8 }} onFinish={async (v) => {
          const gmvFen = parseYuan(v.gmv);
          if (gmvFen === null) { form.setFields([{ name: 'gmv', errors: [t('live.item.badPrice')] }]); return; }
          try { await liveApi.addSale(s.id, { label: v.label.trim(), orders: v.orders, units: v.units, gmvFen }); form.resetFields(); reload(); } catch (err) { handle(err, form, { gmvFen: 'gmv' }); }
        }}>
          <Form.Item name="label" rules={[{ required: true, whitespace: true, message: t('live.ext.labelRequired') }]}><Input placeholder={t('live.ext.label')} maxLength={100} /></Form.Item>
          <Form.Item name="orders" rules={[{ required: true, message: t('live.ext.numberRequired') }]}><InputNumber min={0} precision={0} placeholder={t('live.report.orders')} /></Form.Item>
          <Form.Item name="units" rules={[{ required: true, message: t('live.ext.numberRequired') }]}><InputNumber min={0} precision={0} placeholder={t('live.ext.units')} /></Form.Item>
          <Form.Item name="gmv" rules={[{ required: true, message: t('live.ext.numberRequired') }]}><Input placeholder={t('live.ext.gmvYuan')} inputMode="decimal" /></Form.Item>
          <Form.Item><Button htmlType="submit">{t('live.ext.add')}</Button></Form.Item>
        </Form>
      )}
    </Card>
  );
}

function ReportBlock({ s }: { s: LiveSession }) {
  const { t } = useI18n();
  const r = useAsync((signal) => liveApi.report(s.id, signal), [s.id]);
  if (r.error) return <Alert type="error" showIcon title={problemText(r.error, t)} />;
  if (!r.data) return null;
  const d = r.data;
  const columns: TableColumnsType<SessionReport['products'][number]> = [
    { title: t('live.admin.code'), dataIndex: 'roomCode', render: (v: number | null) => (v ? t('live.roomCode', { n: v }) : '—') },
    { title: t('live.admin.product'), key: 'p', render: (_, p) => `${p.title} ${p.spec}` },
    { title: t('live.report.orders'), dataIndex: 'orders', align: 'right' },
    { title: t('live.report.buyers'), dataIndex: 'buyers', align: 'right' },
    { title: t('live.ext.units'), dataIndex: 'units', align: 'right' },
    { title: t('live.report.gmv'), dataIndex: 'gmvFen', align: 'right', render: (v: number) => formatFen(v) },
    { title: t('live.report.conversion'), dataIndex: 'conversion', align: 'right', render: (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(2)}%`) },
  ];
  if (s.kind === 'external') {
    // Audience figures and room orders do not exist for a session streamed elsewhere: its platform's sales only.
    return (
      <>
        <Card size="small" title={t('live.report.title')} style={{ marginTop: 16 }}>
          <Row gutter={[16, 16]}>
            <Col xs={12} sm={8}><Statistic title={t('live.report.orders')} value={d.external.orders} /></Col>
            <Col xs={12} sm={8}><Statistic title={t('live.ext.units')} value={d.external.units} /></Col>
            <Col xs={12} sm={8}><Statistic title={t('live.report.gmv')} value={formatFen(d.external.gmvFen)} /></Col>
          </Row>
        </Card>
        <ExternalSales s={s} report={d} reload={r.reload} />
      </>
    );
  }
  return (
    <>
      <Card size="small" title={t('live.report.title')} style={{ marginTop: 16 }}>
        <Row gutter={[16, 16]}>
          {([
            ['peak', d.viewers.peak], ['average', d.viewers.average], ['unique', d.viewers.unique], ['watchMinutes', d.viewers.watchMinutes],
            ['comments', d.comments], ['likes', d.likes], ['orders', d.orders], ['buyers', d.buyers],
          ] as const).map(([k, v]) => <Col key={k} xs={12} sm={8} md={6}><Statistic title={t(`live.report.${k}`)} value={v} /></Col>)}
          <Col xs={12} sm={8} md={6}><Statistic title={t('live.report.gmv')} value={formatFen(d.gmvFen)} data-testid="report-gmv" /></Col>
          <Col xs={12} sm={8} md={6}><Statistic title={t('live.report.refunded')} value={formatFen(d.refundedFen)} /></Col>
          <Col xs={12} sm={8} md={6}><Statistic title={t('live.report.duration')} value={d.durationMinutes} suffix={t('live.report.minutes')} /></Col>
        </Row>
        <Table rowKey="skuId" size="small" style={{ marginTop: 16 }} columns={columns} dataSource={d.products} pagination={false} scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={t('live.report.noProducts')} /> }} />
      </Card>
    </>
  );
}

/** One session for the center: details, approval, run-of-show, stream key, state actions and the report. */
export function LiveSessionAdminPage() {
  const { t, lang } = useI18n();
  const { id = '' } = useParams();
  const { message, modal } = App.useApp();
  const handle = useProblemHandler();
  const data = useAsync((signal) => liveApi.get(id, signal), [id]);
  const [rejecting, setRejecting] = useState(false);
  const [busy, setBusy] = useState(false);
  const s = data.data;
  useCrumbTitle(s?.title);
  if (data.error) {
    return isProblem(data.error, 'not_found')
      ? <Result status="404" title={t('live.admin.notFound')} extra={<Link to="/admin/live"><Button>{t('nav.liveCalendar')}</Button></Link>} />
      : <Alert type="error" showIcon title={problemText(data.error, t)} action={<Button size="small" onClick={data.reload}>{t('common.retry')}</Button>} />;
  }
  if (!s) return <Card loading />;
  const run = async (fn: () => Promise<LiveSession>, done: string) => {
    setBusy(true);
    try { data.setData(await fn()); message.success(done); } catch (err) { handle(err); data.reload(); } finally { setBusy(false); }
  };
  const itemColumns: TableColumnsType<LiveItem> = [
    { title: t('live.admin.code'), dataIndex: 'roomCode', render: (v: number) => t('live.roomCode', { n: v }) },
    { title: t('live.admin.product'), key: 'p', render: (_, i) => <Link to={`/admin/products/${i.productId}`}>{i.title} {i.spec}</Link> },
    { title: t('live.item.livePrice'), dataIndex: 'livePriceFen', align: 'right', render: (v: number, i) => <Space size={4}><Typography.Text strong>{formatFen(v)}</Typography.Text><Typography.Text delete type="secondary">{formatFen(i.listPriceFen)}</Typography.Text></Space> },
    { title: t('live.admin.stock'), key: 'stock', align: 'right', render: (_, i) => `${i.stockLeft} / ${i.stockAllotted}` },
    { title: t('live.admin.slot'), key: 'slot', responsive: ['md'], render: (_, i) => (i.slotMinute != null ? t('live.ros.slot', { at: i.slotMinute, len: i.slotMinutes ?? '-' }) : '—') },
    { title: t('live.item.talkingPoints'), dataIndex: 'talkingPoints', responsive: ['lg'], render: (v: string) => v || '—' },
  ];
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={<Space wrap><Typography.Title level={4} style={{ margin: 0 }}>{s.title}</Typography.Title><SessionTags s={s} /></Space>}
        extra={(
          <Space wrap>
            {s.can.approve && s.approval !== 'approved' && <Button type="primary" loading={busy} onClick={() => void run(() => liveApi.approve(s.id, '', s.updatedAt), t('live.admin.approved', { title: s.title }))} data-testid="detail-approve">{t('live.admin.approve')}</Button>}
            {s.can.approve && s.approval !== 'rejected' && <Button danger onClick={() => setRejecting(true)}>{t('live.admin.reject')}</Button>}
            {s.can.end && <Button danger loading={busy} onClick={() => modal.confirm({ title: t('live.host.endConfirm'), onOk: () => run(() => liveApi.end(s.id), t('live.host.ended')) })}>{t('live.host.end')}</Button>}
            {s.can.cancel && (
              <Button loading={busy} onClick={() => {
                let reason = '';
                modal.confirm({
                  title: t('live.admin.cancelTitle'), content: <Input.TextArea rows={2} maxLength={200} placeholder={t('live.host.cancelPrompt')} onChange={(e) => { reason = e.target.value; }} />,
                  onOk: () => run(() => liveApi.cancel(s.id, reason.trim()), t('live.host.cancelled')),
                });
              }}>{t('live.host.cancel')}</Button>
            )}
            {s.kind !== 'practice' && s.approval === 'approved' && <a href={`/live/${s.id}`} target="_blank" rel="noreferrer"><Button>{t('live.admin.publicPage')}</Button></a>}
          </Space>
        )}
      >
        <Row gutter={24}>
          <Col xs={24} md={8}>
            {s.coverUrl ? <img src={s.coverUrl} alt={t('live.cover.alt')} style={{ width: '100%', borderRadius: 8 }} /> : <Empty description={t('live.admin.noCover')} />}
          </Col>
          <Col xs={24} md={16}>
            <Descriptions column={1} size="small" items={[
              { key: 'host', label: t('live.admin.host'), children: s.host.name },
              { key: 'time', label: t('live.admin.time'), children: formatWindow(s.scheduledStart, s.scheduledEnd, lang) },
              { key: 'kind', label: t('live.admin.kind'), children: <Space size={4}>{t(kindKey(s.kind))}{s.platform && <Tag>{t(platformKey(s.platform))}</Tag>}</Space> },
              ...(s.externalUrl ? [{ key: 'url', label: t('live.form.externalUrl'), children: <Typography.Text copyable>{s.externalUrl}</Typography.Text> }] : []),
              ...(s.externalCode ? [{ key: 'code', label: t('live.form.externalCode'), children: <Typography.Text copyable>{s.externalCode}</Typography.Text> }] : []),
              ...(s.approvalNote ? [{ key: 'note', label: t('live.admin.approvalNote'), children: s.approvalNote }] : []),
              ...(s.startedAt ? [{ key: 'started', label: t('live.admin.startedAt'), children: formatSlot(s.startedAt, lang) }] : []),
              ...(s.endedAt ? [{ key: 'ended', label: t('live.admin.endedAt'), children: formatSlot(s.endedAt, lang) }] : []),
              { key: 'res', label: t('live.admin.reservations'), children: s.reservationCount },
              { key: 'desc', label: t('live.form.description'), children: <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{s.description || '—'}</Typography.Paragraph> },
            ]} />
          </Col>
        </Row>
      </Card>
      <Card size="small" title={t('live.ros.title', { n: s.items.length })}>
        <Table<LiveItem> rowKey="id" size="small" columns={itemColumns} dataSource={s.items} pagination={false} scroll={{ x: 'max-content' }} locale={{ emptyText: <Empty description={t('live.ros.empty')} /> }} />
      </Card>
      {s.can.streamKey && (s.status === 'scheduled' || s.status === 'live') && <Card size="small" title={t('live.key.title')}><StreamKeyBlock s={s} /></Card>}
      {(s.status === 'live' || s.status === 'ended') && <ReportBlock s={s} />}
      {s.kind === 'external' && s.status === 'scheduled' && <ReportBlock s={s} />}
      <RejectModal session={rejecting ? s : null} onClose={() => setRejecting(false)} onDone={(n) => { setRejecting(false); data.setData(n); message.success(t('live.admin.rejected', { title: n.title })); }} />
    </Space>
  );
}
