import { Alert, Card, Col, DatePicker, Empty, Row, Select, Space, Statistic, Table, Tag, Typography, type TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ACCOUNT_KINDS, ledgerApi, type AccountKind, type LedgerAccount } from '../../api/ledger';
import { useI18n, type MessageKey } from '../../i18n';
import { formatFen } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { useAsync } from '../../shared/useAsync';
import { useMyCounties } from '../admin/useCounties';
import { BalancedTag, accountName } from './ledgerShared';
import { usePartyNames } from './useParties';

interface Row {
  key: string;
  kind: AccountKind;
  name: string;
  account: LedgerAccount | null;
  debitFen: number;
  creditFen: number;
  balanceFen: number;
  postingCount: number;
  children?: Row[];
}

/** 账本: a county's accounts by kind with balances, and the trial balance check. */
export function LedgerPage() {
  const { t, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const { counties, loading: countiesLoading } = useMyCounties(['center_admin', 'operator', 'official']);
  const countyCode = params.get('county') ?? counties[0]?.countyCode;
  const [asOf, setAsOf] = useState<Dayjs | null>(null);
  const partyName = usePartyNames(countyCode);
  const accounts = useAsync(() => (countyCode ? ledgerApi.accounts(countyCode) : Promise.resolve(null)), [countyCode]);
  const trial = useAsync(() => (countyCode ? ledgerApi.trialBalance(countyCode, asOf?.format('YYYY-MM-DD')) : Promise.resolve(null)), [countyCode, asOf]);
  const [expanded, setExpanded] = useState<string[]>([]);

  const rows: Row[] = useMemo(() => {
    const items = accounts.data?.items ?? [];
    return ACCOUNT_KINDS.flatMap((kind): Row[] => {
      const of = items.filter((a) => a.kind === kind);
      if (!of.length) return [];
      const leaf = (a: LedgerAccount): Row => ({
        key: a.id, kind, account: a, name: a.partyId ? partyName(a.partyId) ?? a.partyId : accountName(a, lang),
        debitFen: a.debitFen, creditFen: a.creditFen, balanceFen: a.balanceFen, postingCount: a.postingCount,
      });
      if (of.length === 1 && !of[0]!.partyId) return [leaf(of[0]!)];
      const sum = (f: (a: LedgerAccount) => number) => of.reduce((s, a) => s + f(a), 0);
      return [{
        key: `kind-${kind}`, kind, account: null, name: accountName(of[0]!, lang),
        debitFen: sum((a) => a.debitFen), creditFen: sum((a) => a.creditFen), balanceFen: sum((a) => a.balanceFen), postingCount: sum((a) => a.postingCount),
        children: of.map(leaf).sort((a, b) => b.balanceFen - a.balanceFen),
      }];
    });
  }, [accounts.data, partyName, lang]);
  useEffect(() => setExpanded(rows.filter((r) => r.children).map((r) => r.key)), [rows]);

  const columns: TableColumnsType<Row> = [
    {
      title: t('lg.account'), key: 'name', render: (_, r) => (r.account
        ? <Link to={`/admin/ledger/accounts/${r.account.id}`} data-testid="account-link">{r.name}</Link>
        : <Typography.Text strong>{r.name} <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('lg.partyCount', { count: r.children?.length ?? 0 })}</Typography.Text></Typography.Text>),
    },
    { title: t('lg.type'), key: 'type', responsive: ['md'], render: (_, r) => (r.account || r.children?.[0]?.account ? <Tag>{t(`lg.acctType.${(r.account ?? r.children![0]!.account!).type}` as MessageKey)}</Tag> : null) },
    { title: t('lg.debitTotal'), dataIndex: 'debitFen', align: 'right', responsive: ['lg'], render: (v: number) => formatFen(v) },
    { title: t('lg.creditTotal'), dataIndex: 'creditFen', align: 'right', responsive: ['lg'], render: (v: number) => formatFen(v) },
    { title: t('lg.balance'), dataIndex: 'balanceFen', align: 'right', render: (v: number, r) => <Typography.Text strong={!r.account} type={v < 0 ? 'danger' : undefined}>{formatFen(v)}</Typography.Text> },
    { title: t('lg.postingCount'), dataIndex: 'postingCount', align: 'right', responsive: ['sm'] },
  ];

  const tb = trial.data;
  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('nav.ledger')}</Typography.Title>}
      extra={counties.length > 1 && (
        <Select style={{ width: 200 }} value={countyCode} aria-label={t('fo.county')} onChange={(v: string) => setParams({ county: v }, { replace: true })}
          options={counties.map((c) => ({ value: c.countyCode, label: c.name }))} />
      )}
    >
      {!countyCode && !countiesLoading ? <Empty description={t('lg.noCounty')} /> : (
        <>
          <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
            <Col xs={24} md={8}>
              <Card size="small">
                <Space orientation="vertical" size={4}>
                  <Typography.Text type="secondary">{t('lg.trialBalance')}</Typography.Text>
                  {tb ? <BalancedTag balanced={tb.balanced} /> : trial.error ? <Typography.Text type="danger">{problemText(trial.error, t)}</Typography.Text> : <Tag>{t('common.loading')}</Tag>}
                  <DatePicker value={asOf} onChange={setAsOf} placeholder={t('lg.asOfToday')} allowClear size="small" aria-label={t('lg.asOf')} />
                </Space>
              </Card>
            </Col>
            <Col xs={12} md={8}><Card size="small"><Statistic title={t('lg.totalDebit')} value={tb ? formatFen(tb.totalDebitFen) : '—'} /></Card></Col>
            <Col xs={12} md={8}><Card size="small"><Statistic title={t('lg.totalCredit')} value={tb ? formatFen(tb.totalCreditFen) : '—'} /></Card></Col>
          </Row>
          {tb && !tb.balanced && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={t('lg.unbalancedHint', { net: formatFen(tb.netFen) })} />}
          {accounts.error ? <Typography.Paragraph type="danger">{problemText(accounts.error, t)}</Typography.Paragraph> : null}
          <Table<Row>
            rowKey="key" columns={columns} dataSource={rows} pagination={false} scroll={{ x: 'max-content' }} size="middle"
            loading={accounts.loading && !accounts.data}
            expandable={{ expandedRowKeys: expanded, onExpandedRowsChange: (k) => setExpanded(k as string[]) }}
            locale={{ emptyText: <Empty description={t('lg.empty')} /> }}
          />
          <Typography.Paragraph type="secondary" style={{ marginTop: 12, fontSize: 12 }}>{t('lg.balanceNote')}</Typography.Paragraph>
        </>
      )}
    </Card>
  );
}
