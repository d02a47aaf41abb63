import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Empty, Row, Space, Statistic, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { saveDownload } from '../../api/fulfilment';
import { hostsApi, type CountyPerformance } from '../../api/hosts';
import { useI18n } from '../../i18n';
import { fenToYuan, formatFen } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { useAsync } from '../../shared/useAsync';
import { useProblemHandler } from '../admin/adminShared';
import { PeriodPicker, monthToDate, periodOf, useCountyParam, type PeriodValue } from '../settlement/settlementShared';
import { Chart } from './LazyChart';
import { HostKindTag } from './hostShared';
import { formatShare } from './hostLabels';

type Row = CountyPerformance['items'][number];

/** 主播业绩: the county's hosts for a period, ranked by sales, with the local hosts' share and an XLSX export. */
export function PerformancePage() {
  const { t } = useI18n();
  const handle = useProblemHandler();
  const { countyCode, loading: countiesLoading, picker } = useCountyParam(['center_admin', 'operator', 'official']);
  const [period, setPeriod] = useState<PeriodValue>(monthToDate());
  const p = periodOf(period);
  const data = useAsync(() => (countyCode ? hostsApi.performance(countyCode, p) : Promise.resolve(null)), [countyCode, p.from, p.to]);
  const [exporting, setExporting] = useState(false);
  const exportXlsx = async () => {
    if (!countyCode) return;
    setExporting(true);
    try { saveDownload(await hostsApi.performanceXlsx(countyCode, p)); } catch (err) { handle(err); } finally { setExporting(false); }
  };
  const d = data.data;
  const top = (d?.items ?? []).slice(0, 10);
  const columns: TableColumnsType<Row> = [
    { title: t('hs.perf.rank'), dataIndex: 'rank', width: 60 },
    { title: t('hs.host'), key: 'h', render: (_, r) => <Link to={`/admin/hosts/${r.hostUserId}`}>{r.displayName}</Link> },
    { title: t('hs.kindLabel'), key: 'k', render: (_, r) => <HostKindTag kind={r.kind} /> },
    { title: t('hs.perf.sessions'), dataIndex: 'sessions', align: 'right', sorter: (a, b) => a.sessions - b.sessions },
    { title: t('hs.perf.hours'), dataIndex: 'hoursLive', align: 'right', sorter: (a, b) => a.hoursLive - b.hoursLive },
    { title: t('hs.perf.gmv'), key: 'gmv', align: 'right', sorter: (a, b) => a.gmvFen - b.gmvFen, render: (_, r) => formatFen(r.gmvFen) },
    { title: t('hs.perf.orders'), dataIndex: 'orders', align: 'right', sorter: (a, b) => a.orders - b.orders },
    { title: t('hs.perf.refunds'), key: 'ref', align: 'right', responsive: ['lg'], render: (_, r) => formatFen(r.refundsFen) },
    { title: t('hs.perf.commission'), key: 'com', align: 'right', render: (_, r) => (r.kind === 'official' ? <span title={t('hs.perf.pledged')}>{formatFen(r.pledgedFen)}*</span> : formatFen(r.commissionFen)) },
    { title: t('hs.perf.avgViewers'), key: 'av', align: 'right', responsive: ['md'], render: (_, r) => r.avgViewers ?? '—' },
    { title: t('hs.perf.conversion'), key: 'cv', align: 'right', responsive: ['md'], render: (_, r) => formatShare(r.conversion) },
    { title: t('hs.perf.external'), key: 'ext', align: 'right', responsive: ['xl'], render: (_, r) => formatFen(r.externalGmvFen) },
  ];
  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('nav.hostPerformance')}</Typography.Title>}
      extra={<Space wrap>{picker}<PeriodPicker value={period} onChange={(v) => v && setPeriod(v)} /><Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void exportXlsx()} disabled={!d} data-testid="perf-export">{t('hs.exportXlsx')}</Button></Space>}>
      {!countyCode && !countiesLoading ? <Empty description={t('lg.noCounty')} /> : data.error ? <Alert type="error" showIcon title={problemText(data.error, t)} action={<Button size="small" onClick={data.reload}>{t('common.retry')}</Button>} /> : (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Row gutter={[16, 16]}>
            <Col xs={12} md={6}><Statistic title={t('hs.perf.countyGmv')} value={d ? formatFen(d.totals.countyGmvFen) : '—'} /></Col>
            <Col xs={12} md={6}><Statistic title={t('hs.perf.hostGmv')} value={d ? formatFen(d.totals.hostGmvFen) : '—'} /></Col>
            <Col xs={12} md={6}><Statistic title={t('hs.perf.localShare')} value={formatShare(d?.totals.localShareOfCounty)} valueStyle={{ color: '#d4380d' }} /></Col>
            <Col xs={12} md={6}><Statistic title={t('hs.perf.hostsCount')} value={d ? `${d.totals.localHosts} / ${d.totals.hosts}` : '—'} /></Col>
          </Row>
          {d && d.totals.hostGmvFen > 0 && (
            <Chart testId="perf-chart" height={Math.max(200, top.length * 36 + 60)} option={{
              tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
              grid: { left: 8, right: 24, top: 24, bottom: 8, containLabel: true },
              legend: { data: [t('hs.perf.localHost'), t('hs.perf.guestHost')] },
              xAxis: { type: 'value', name: t('hs.perf.gmvYuan') },
              yAxis: { type: 'category', inverse: true, data: top.map((r) => r.displayName) },
              series: [
                { name: t('hs.perf.localHost'), type: 'bar', stack: 'g', itemStyle: { color: '#d4380d' }, data: top.map((r) => (r.local ? fenToYuan(r.gmvFen) : 0)) },
                { name: t('hs.perf.guestHost'), type: 'bar', stack: 'g', itemStyle: { color: '#8c8c8c' }, data: top.map((r) => (r.local ? 0 : fenToYuan(r.gmvFen))) },
              ],
            }} />
          )}
          <Table<Row> rowKey="hostUserId" columns={columns} dataSource={d?.items ?? []} loading={data.loading && !d} size="middle" scroll={{ x: 'max-content' }}
            pagination={{ pageSize: 20, hideOnSinglePage: true }} locale={{ emptyText: <Empty description={t('hs.perf.empty')} /> }} />
          <Typography.Text type="secondary">{t('hs.perf.footnote')}</Typography.Text>
        </Space>
      )}
    </Card>
  );
}
