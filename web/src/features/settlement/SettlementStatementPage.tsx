import { DownloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Empty, Row, Segmented, Select, Space, Statistic, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { saveDownload } from '../../api/fulfilment';
import { settlementApi, type HostStatement, type PartyStatement, type StatementLine } from '../../api/settlement';
import { useI18n } from '../../i18n';
import { formatBp, formatDateTime, formatFen } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { hasRole, useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';
import { useProblemHandler } from '../admin/adminShared';
import { SupplierSelect } from '../suppliers/SupplierSelect';
import { LineTypeTag, PeriodPicker, SignedFen, monthToDate, periodOf, useCountyParam, type PeriodValue } from './settlementShared';
import { useCountyHosts } from './useHosts';

type Who = { kind: 'supplier'; id: string } | { kind: 'host'; id: string; countyCode: string };

/**
 * 对账单: what a supplier or host was owed at the start and end of a period, each line between
 * with the running balance, totals by type, and the XLSX. The center picks whose; a supplier or
 * host sees their own.
 */
export function SettlementStatementPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { user } = useSession();
  const handle = useProblemHandler();
  const isCenter = hasRole(user, ['center_admin', 'operator', 'official']);
  const [params, setParams] = useSearchParams();
  const [period, setPeriod] = useState<PeriodValue>(monthToDate());
  const [exporting, setExporting] = useState(false);
  const county = useCountyParam(['center_admin', 'operator', 'official']);
  const hosts = useCountyHosts(isCenter ? county.countyCode : undefined);

  const own = (user?.roles ?? []).find((r) => r.role === 'supplier' && r.supplierId) ?? (user?.roles ?? []).find((r) => r.role === 'host');
  const tab = (params.get('kind') === 'host' ? 'host' : 'supplier') as 'supplier' | 'host';
  const set = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };

  let who: Who | null = null;
  if (isCenter) {
    if (tab === 'supplier' && params.get('supplier')) who = { kind: 'supplier', id: params.get('supplier')! };
    if (tab === 'host' && params.get('host') && county.countyCode) who = { kind: 'host', id: params.get('host')!, countyCode: county.countyCode };
  } else if (own?.role === 'supplier') {
    who = { kind: 'supplier', id: own.supplierId! };
  } else if (own?.role === 'host' && user) {
    who = { kind: 'host', id: user.id, countyCode: own.regionPrefix };
  }

  const p = periodOf(period);
  const key = who ? `${who.kind}:${who.id}:${who.kind === 'host' ? who.countyCode : ''}` : '';
  const state = useAsync((signal) => {
    if (!who) return Promise.resolve(null);
    return who.kind === 'supplier' ? settlementApi.supplierStatement(who.id, p, signal) : settlementApi.hostStatement(who.id, who.countyCode, p, signal);
  }, [key, p.from, p.to]);
  const st = state.data;

  const exportXlsx = async () => {
    if (!who) return;
    setExporting(true);
    try {
      saveDownload(who.kind === 'supplier' ? await settlementApi.supplierStatementXlsx(who.id, p) : await settlementApi.hostStatementXlsx(who.id, who.countyCode, p));
      message.success(t('st.exported'));
    } catch (err) {
      handle(err);
    } finally {
      setExporting(false);
    }
  };

  const columns: TableColumnsType<StatementLine> = [
    { title: t('st.bizDate'), dataIndex: 'bizDate', render: (v: string, l) => <>{v}<div style={{ fontSize: 12, color: '#999' }}>{formatDateTime(l.createdAt).slice(11)}</div></> },
    { title: t('st.type'), dataIndex: 'type', render: (_, l) => <LineTypeTag type={l.type} /> },
    {
      title: t('st.ref'), key: 'ref', render: (_, l) => (
        <span>
          {l.orderNo && <div>{t('st.orderNo', { no: l.orderNo })}</div>}
          {l.payoutBatchNo && <div>{t('st.batchRef', { no: l.payoutBatchNo })}</div>}
          {l.memo && <div style={{ fontSize: 12, color: '#888', whiteSpace: 'normal', maxWidth: 320 }}>{l.memo}</div>}
        </span>
      ),
    },
    { title: t('st.amount'), dataIndex: 'amountFen', align: 'right', render: (v: number) => <SignedFen fen={v} /> },
    { title: t('st.runningBalance'), dataIndex: 'balanceFen', align: 'right', render: (v: number) => <Typography.Text strong type={v < 0 ? 'danger' : undefined}>{formatFen(v)}</Typography.Text> },
  ];

  const picker = isCenter ? (
    <Space wrap>
      <Segmented value={tab} onChange={(v) => set({ kind: v === 'host' ? 'host' : null })} options={[{ value: 'supplier', label: t('st.ofSupplier') }, { value: 'host', label: t('st.ofHost') }]} />
      {tab === 'supplier'
        ? <SupplierSelect value={params.get('supplier') ?? undefined} onChange={(v) => set({ supplier: v ?? null })} placeholder={t('st.pickSupplier')} style={{ width: 260, maxWidth: '100%' }} id="statement-supplier" />
        : (
          <Select
            id="statement-host" style={{ width: 260, maxWidth: '100%' }} value={params.get('host') ?? undefined} placeholder={t('st.pickHost')} loading={hosts.loading}
            onChange={(v: string) => set({ host: v })} showSearch={{ optionFilterProp: 'label' }}
            notFoundContent={t('st.noHosts')}
            options={hosts.rows.map((h) => ({ value: h.hostUserId, label: h.name ? `${h.name}${h.phoneMasked ? ` ${h.phoneMasked}` : ''}` : h.hostUserId }))}
          />
        )}
      {county.picker}
    </Space>
  ) : null;

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{st ? t('st.statementOf', { name: st.party.name }) : t('nav.statements')}</Typography.Title>}
      extra={who && <Button icon={<DownloadOutlined />} onClick={() => void exportXlsx()} loading={exporting} data-testid="statement-export">{t('st.exportXlsx')}</Button>}
    >
      <Space wrap size={16} style={{ marginBottom: 16 }}>
        {picker}
        <PeriodPicker value={period} onChange={(v) => v && setPeriod(v)} id="statement-period" />
      </Space>
      {!who ? (
        <Empty description={isCenter ? (tab === 'supplier' ? t('st.pickSupplierHint') : t('st.pickHostHint')) : t('st.noOwnParty')} />
      ) : (
        <>
          {state.error ? <Alert type="error" showIcon style={{ marginBottom: 12 }} title={problemText(state.error, t)} action={<Button size="small" onClick={state.reload}>{t('common.retry')}</Button>} /> : null}
          {st && <Summary st={st} />}
          <Table<StatementLine>
            rowKey="postingId" columns={columns} dataSource={st?.items ?? []} pagination={false} scroll={{ x: 'max-content' }} size="middle"
            loading={state.loading} data-testid="statement-lines"
            locale={{ emptyText: <Empty description={t('st.noLinesInPeriod')} /> }}
          />
          {st && 'pledges' in st && <Pledges st={st as HostStatement} />}
        </>
      )}
    </Card>
  );
}

function Summary({ st }: { st: PartyStatement }) {
  const { t } = useI18n();
  const tt = st.totals;
  const cell = (title: string, fen: number, testId?: string) => (
    <Col xs={12} sm={8} lg={4}><Card size="small" data-testid={testId}><Statistic title={title} value={formatFen(fen)} styles={{ content: { fontSize: 18, color: fen < 0 ? '#cf1322' : undefined } }} /></Card></Col>
  );
  return (
    <div style={{ marginBottom: 16 }}>
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        <Col xs={12} md={8}><Card size="small" data-testid="opening"><Statistic title={t('st.opening', { date: st.from })} value={formatFen(st.openingBalanceFen)} /></Card></Col>
        <Col xs={12} md={8}><Card size="small" data-testid="closing"><Statistic title={t('st.closing', { date: st.to })} value={formatFen(st.closingBalanceFen)} /></Card></Col>
        <Col xs={24} md={8}><Card size="small"><Statistic title={t('st.net')} value={formatFen(tt.netFen)} styles={{ content: { color: tt.netFen < 0 ? '#cf1322' : undefined } }} /></Card></Col>
      </Row>
      <Row gutter={[12, 12]}>
        {cell(t('st.totalOrders'), tt.ordersFen)}
        {cell(t('st.totalRefunds'), tt.refundsFen)}
        {cell(t('st.totalCommission'), tt.commissionFen)}
        {cell(t('st.totalPayouts'), tt.payoutsFen, 'total-payouts')}
        {cell(t('st.totalOther'), tt.otherFen)}
      </Row>
    </div>
  );
}

function Pledges({ st }: { st: HostStatement }) {
  const { t } = useI18n();
  if (st.hostKind !== 'official') return null;
  return (
    <Card size="small" style={{ marginTop: 16 }} title={t('st.pledgesTitle')}>
      <Space wrap size={24} style={{ marginBottom: 12 }}>
        {st.pledgeSplit && <Tag color="magenta">{t('st.pledgeSplit', { charity: formatBp(st.pledgeSplit.charityBp), development: formatBp(st.pledgeSplit.developmentBp) })}</Tag>}
        <Statistic title={t('st.payeeKind.charity_fund')} value={formatFen(st.pledges.charityFen)} styles={{ content: { fontSize: 18 } }} />
        <Statistic title={t('st.payeeKind.development_fund')} value={formatFen(st.pledges.developmentFen)} styles={{ content: { fontSize: 18 } }} />
        <Statistic title={t('st.pledgeTotal')} value={formatFen(st.pledges.totalFen)} styles={{ content: { fontSize: 18 } }} />
      </Space>
      <Table
        rowKey="entryId" size="small" pagination={false} dataSource={st.pledges.items} scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('st.noPledges')} /> }}
        columns={[
          { title: t('st.bizDate'), dataIndex: 'bizDate' },
          { title: t('st.ref'), dataIndex: 'orderNo', render: (v: string, r) => <>{t('st.orderNo', { no: v })}{r.reversal && <Tag color="orange" style={{ marginLeft: 6 }}>{t('st.reversal')}</Tag>}</> },
          { title: t('st.payeeKind.charity_fund'), dataIndex: 'charityFen', align: 'right', render: (v: number) => formatFen(v) },
          { title: t('st.payeeKind.development_fund'), dataIndex: 'developmentFen', align: 'right', render: (v: number) => formatFen(v) },
        ]}
      />
    </Card>
  );
}
