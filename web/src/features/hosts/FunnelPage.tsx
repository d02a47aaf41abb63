import { DownloadOutlined, PhoneOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, DatePicker, Drawer, Empty, Form, Input, Row, Segmented, Select, Space, Statistic, Table, Tag, Typography, type TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { saveDownload } from '../../api/fulfilment';
import { DROPOUT_REASONS, FUNNEL_STEPS, hostsApi, type DropoutReason, type FunnelFilter, type FunnelPerson, type FunnelStage, type Grouping } from '../../api/hosts';
import { useI18n, type MessageKey, type Translate } from '../../i18n';
import { todayShanghai } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { hasRole, useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';
import { useDrawerSize, useFormSubmit, useProblemHandler } from '../admin/adminShared';
import { useCountyParam } from '../settlement/settlementShared';
import { Chart } from './LazyChart';
import { formatShare } from './hostLabels';

const STAGES: FunnelStage[] = ['attended', 'certified', 'first_live', 'active_30', 'active_90'];
const GROUPINGS: Grouping[] = ['cohort', 'township', 'age_band', 'gender'];
const stepLabel = (s: string, t: Translate) => t(`hs.funnel.step.${s}` as MessageKey);
const reasonLabel = (r: string, t: Translate) => t(`hs.reason.${r}` as MessageKey);

/** What a group key means on screen: cohorts and townships carry their own label; age bands and genders are translated. */
function groupLabel(by: Grouping, g: { key: string; label: string }, t: Translate) {
  if (by === 'age_band') return t(`hs.ageBand.${g.key}` as MessageKey);
  if (by === 'gender') return t(`hs.gender.${g.key}` as MessageKey);
  return g.label;
}

/** Records a follow-up call: the step the person stopped before and a coded reason, with a note. */
function FollowupDrawer({ person, onClose, onSaved }: { person: FunnelPerson; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const width = useDrawerSize(480);
  const [form] = Form.useForm<{ stage: FunnelStage; reasonCode: DropoutReason; note?: string; calledOn: Dayjs }>();
  const { busy, submit } = useFormSubmit(form, async (v) => {
    await hostsApi.recordFollowup({ enrolmentId: person.enrolmentId, stage: v.stage, reasonCode: v.reasonCode, ...(v.note ? { note: v.note } : {}), calledOn: v.calledOn.format('YYYY-MM-DD') });
    message.success(t('hs.funnel.followupSaved'));
    onSaved();
  });
  return (
    <Drawer open size={width} title={t('hs.funnel.followupTitle', { name: person.name })} onClose={onClose} destroyOnHidden
      extra={<Space><Button onClick={onClose}>{t('common.cancel')}</Button><Button type="primary" loading={busy} onClick={() => form.submit()} data-testid="followup-save">{t('common.save')}</Button></Space>}>
      <Typography.Paragraph>
        <PhoneOutlined /> <a href={`tel:${person.phone}`}>{person.phone}</a> · {person.cohortName} · {t('hs.funnel.attendance')} {person.attendancePct}%
      </Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ stage: person.stoppedBefore ?? 'attended', calledOn: dayjs(todayShanghai()) }}>
        <Form.Item name="stage" label={t('hs.funnel.stoppedBefore')} rules={[{ required: true }]}>
          <Select options={STAGES.map((s) => ({ value: s, label: stepLabel(s, t) }))} />
        </Form.Item>
        <Form.Item name="reasonCode" label={t('hs.funnel.reason')} rules={[{ required: true, message: t('hs.funnel.reasonRequired') }]}>
          <Select options={DROPOUT_REASONS.map((r) => ({ value: r, label: reasonLabel(r, t) }))} data-testid="followup-reason" />
        </Form.Item>
        <Form.Item name="note" label={t('hs.funnel.note')}><Input.TextArea rows={3} maxLength={500} showCount /></Form.Item>
        <Form.Item name="calledOn" label={t('hs.funnel.calledOn')} rules={[{ required: true }]}><DatePicker disabledDate={(d) => d.isAfter(dayjs(todayShanghai()), 'day')} /></Form.Item>
      </Form>
    </Drawer>
  );
}

/** 培养漏斗: enrolled → attended ≥ 80 % → certified → first real live session → still selling after 30 and 90 days. */
export function FunnelPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const handle = useProblemHandler();
  const center = hasRole(user, ['center_admin', 'operator']);
  const { countyCode, loading: countiesLoading, picker } = useCountyParam(['center_admin', 'operator', 'official']);
  const [cohortId, setCohortId] = useState<string | undefined>();
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);
  const [by, setBy] = useState<Grouping>('cohort');
  const [stopped, setStopped] = useState<FunnelStage | undefined>();
  const [calling, setCalling] = useState<FunnelPerson | null>(null);
  const filter: FunnelFilter | null = countyCode ? { countyCode, cohortId, from: range?.[0].format('YYYY-MM-DD'), to: range?.[1].format('YYYY-MM-DD') } : null;
  const key = JSON.stringify(filter);
  const funnel = useAsync(() => (filter ? hostsApi.funnel(filter) : Promise.resolve(null)), [key]);
  const allCohorts = useAsync(() => (countyCode ? hostsApi.funnel({ countyCode }).then((f) => f.groups.cohort) : Promise.resolve([])), [countyCode]);
  const people = useAsync(() => (filter ? hostsApi.funnelPeople({ ...filter, stoppedBefore: stopped }) : Promise.resolve(null)), [key, stopped]);
  const [exporting, setExporting] = useState(false);
  const exportXlsx = async () => {
    if (!filter) return;
    setExporting(true);
    try { saveDownload(await hostsApi.funnelXlsx(filter)); } catch (err) { handle(err); } finally { setExporting(false); }
  };
  const f = funnel.data;
  const groups = useMemo(() => f?.groups[by] ?? [], [f, by]);

  const peopleColumns: TableColumnsType<FunnelPerson> = [
    { title: t('hs.funnel.person'), key: 'n', render: (_, p) => <span>{p.name}<div style={{ fontSize: 12, color: '#999' }}>{p.phone}</div></span> },
    { title: t('hs.funnel.cohort'), dataIndex: 'cohortName', responsive: ['md'] },
    { title: t('hs.township'), dataIndex: 'townshipName', responsive: ['lg'] },
    { title: t('hs.ageGender'), key: 'ag', responsive: ['lg'], render: (_, p) => `${t(`hs.ageBand.${p.ageBand}` as MessageKey)} · ${t(`hs.gender.${p.gender}` as MessageKey)}` },
    { title: t('hs.funnel.attendance'), key: 'at', align: 'right', render: (_, p) => `${p.attendancePct}%` },
    {
      title: t('hs.funnel.where'), key: 'w', render: (_, p) => (p.stoppedBefore ? <Tag color="orange" data-testid="stopped-before">{t('hs.funnel.stoppedAt', { step: stepLabel(p.stoppedBefore, t) })}</Tag>
        : p.pending.active_30 || p.pending.active_90 ? <Tag color="processing">{t('hs.funnel.pending')}</Tag> : <Tag color="success">{t('hs.funnel.through')}</Tag>),
    },
    { title: t('hs.funnel.lastFollowup'), key: 'lf', render: (_, p) => (p.lastFollowup ? <span>{reasonLabel(p.lastFollowup.reasonCode, t)}<div style={{ fontSize: 12, color: '#999' }}>{p.lastFollowup.calledOn}{p.lastFollowup.note ? ` · ${p.lastFollowup.note}` : ''}</div></span> : '—') },
  ];
  if (center) peopleColumns.push({ title: t('common.actions'), key: 'act', render: (_, p) => <Button size="small" icon={<PhoneOutlined />} onClick={() => setCalling(p)} data-testid="followup">{t('hs.funnel.recordCall')}</Button> });

  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('nav.hostFunnel')}</Typography.Title>}
      extra={<Space wrap>{picker}<Button icon={<DownloadOutlined />} loading={exporting} disabled={!f} onClick={() => void exportXlsx()} data-testid="funnel-export">{t('hs.exportXlsx')}</Button></Space>}>
      {!countyCode && !countiesLoading ? <Empty description={t('lg.noCounty')} /> : (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Space wrap>
            <Select allowClear placeholder={t('hs.funnel.allCohorts')} value={cohortId} onChange={setCohortId} style={{ width: 220 }} options={(allCohorts.data ?? []).map((c) => ({ value: c.key, label: c.label }))} aria-label={t('hs.funnel.cohort')} />
            <DatePicker.RangePicker value={range} onChange={(v) => setRange(v && v[0] && v[1] ? [v[0], v[1]] : null)} placeholder={[t('hs.funnel.cohortFrom'), t('hs.funnel.cohortTo')]} />
            <Typography.Text type="secondary">{t('hs.funnel.rule')}</Typography.Text>
          </Space>
          {funnel.error ? <Alert type="error" showIcon title={problemText(funnel.error, t)} action={<Button size="small" onClick={funnel.reload}>{t('common.retry')}</Button>} /> : null}
          {f && f.overall.total === 0 ? <Empty description={t('hs.funnel.empty')} /> : f && (
            <>
              <Row gutter={[16, 16]}>
                {FUNNEL_STEPS.map((s) => (
                  <Col xs={12} md={4} key={s}>
                    <Statistic title={stepLabel(s, t)} value={f.overall.counts[s]} suffix={f.overall.conversion[s] != null ? <Typography.Text type="secondary" style={{ fontSize: 13 }}>{formatShare(f.overall.conversion[s])}</Typography.Text> : undefined} />
                  </Col>
                ))}
              </Row>
              {(f.overall.pending.active_30 > 0 || f.overall.pending.active_90 > 0) && <Alert type="info" showIcon title={t('hs.funnel.pendingNote', { a30: f.overall.pending.active_30, a90: f.overall.pending.active_90 })} />}
              <Row gutter={[16, 16]}>
                <Col xs={24} lg={10}>
                  <Card size="small" title={t('hs.funnel.overall')}>
                    <Chart testId="funnel-chart" height={300} option={{
                      tooltip: { trigger: 'item', formatter: '{b}: {c}' },
                      series: [{
                        type: 'funnel', sort: 'none', left: 8, right: 8, top: 8, bottom: 8, minSize: '8%', gap: 2,
                        label: { show: true, position: 'inside', formatter: '{b} {c}' },
                        data: FUNNEL_STEPS.map((s) => ({ name: stepLabel(s, t), value: f.overall.counts[s] })),
                      }],
                    }} />
                  </Card>
                </Col>
                <Col xs={24} lg={14}>
                  <Card size="small" title={t('hs.funnel.byGroup')} extra={<Segmented size="small" value={by} onChange={(v) => setBy(v as Grouping)} options={GROUPINGS.map((g) => ({ value: g, label: t(`hs.funnel.by.${g}` as MessageKey) }))} />}>
                    <Chart testId="group-chart" height={300} option={{
                      tooltip: { trigger: 'axis' },
                      legend: { type: 'scroll', bottom: 0 },
                      grid: { left: 8, right: 8, top: 16, bottom: 40, containLabel: true },
                      xAxis: { type: 'category', data: groups.map((g) => groupLabel(by, g, t)) },
                      yAxis: { type: 'value', minInterval: 1 },
                      series: FUNNEL_STEPS.map((s) => ({ name: stepLabel(s, t), type: 'bar', data: groups.map((g) => g.counts[s]) })),
                    }} />
                  </Card>
                </Col>
              </Row>
              <Table size="small" rowKey="key" pagination={false} scroll={{ x: 'max-content' }} dataSource={groups}
                columns={[
                  { title: t(`hs.funnel.by.${by}` as MessageKey), key: 'g', render: (_, g) => groupLabel(by, g, t) },
                  ...FUNNEL_STEPS.map((s) => ({
                    title: stepLabel(s, t), key: s, align: 'right' as const,
                    render: (_: unknown, g: (typeof groups)[number]) => <span>{g.counts[s]}{g.conversion[s] != null && <Typography.Text type="secondary" style={{ fontSize: 12 }}> ({formatShare(g.conversion[s])})</Typography.Text>}</span>,
                  })),
                ]} />
              <Card size="small" title={t('hs.funnel.reasons', { n: f.followedUp })}>
                {f.followedUp === 0 ? <Empty description={t('hs.funnel.noReasons')} /> : (
                  <Chart testId="reason-chart" height={Math.max(180, f.reasons.filter((r) => r.count).length * 32 + 40)} option={{
                    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
                    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
                    xAxis: { type: 'value', minInterval: 1 },
                    yAxis: { type: 'category', inverse: true, data: f.reasons.filter((r) => r.count).map((r) => reasonLabel(r.code, t)) },
                    series: [{ type: 'bar', itemStyle: { color: '#fa8c16' }, data: f.reasons.filter((r) => r.count).map((r) => r.count) }],
                  }} />
                )}
              </Card>
            </>
          )}
          <Card size="small" title={t('hs.funnel.people')} extra={<Select allowClear placeholder={t('hs.funnel.stoppedFilter')} value={stopped} onChange={setStopped} style={{ width: 200 }} options={STAGES.map((s) => ({ value: s, label: t('hs.funnel.stoppedAt', { step: stepLabel(s, t) }) }))} />}>
            <Table<FunnelPerson> rowKey="enrolmentId" size="small" columns={peopleColumns} dataSource={people.data?.items ?? []} loading={people.loading && !people.data} scroll={{ x: 'max-content' }}
              pagination={{ pageSize: 20, hideOnSinglePage: true }} locale={{ emptyText: <Empty description={t('hs.funnel.noPeople')} /> }} />
          </Card>
        </Space>
      )}
      {calling && <FollowupDrawer person={calling} onClose={() => setCalling(null)} onSaved={() => { setCalling(null); people.reload(); funnel.reload(); }} />}
    </Card>
  );
}
