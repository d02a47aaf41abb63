import { Button, Card, DatePicker, Descriptions, Empty, Space, Statistic, Table, Tag, Typography, type TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ledgerApi, type LedgerAccountInfo, type Posting } from '../../api/ledger';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime, formatFen } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { useCursorList } from '../../shared/useAsync';
import { LoadMore } from '../admin/adminShared';
import { useCrumbTitle } from '../admin/crumbs';
import { EntryDrawer, EntryKindTag, accountName } from './ledgerShared';
import { usePartyNames } from './useParties';

/** 账户明细: an account's postings for a period, oldest first, with the running balance. */
export function StatementPage() {
  const { t, lang } = useI18n();
  const { id = '' } = useParams();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [account, setAccount] = useState<LedgerAccountInfo | null>(null);
  const [totals, setTotals] = useState<{ opening: number; closing: number } | null>(null);
  const [entryId, setEntryId] = useState<string | null>(null);
  const partyName = usePartyNames(account?.countyCode);
  const from = range?.[0]?.format('YYYY-MM-DD');
  const to = range?.[1]?.format('YYYY-MM-DD');
  const list = useCursorList(async (cursor) => {
    const page = await ledgerApi.postings(id, { from, to, cursor, limit: 50 });
    setAccount(page.account);
    if (!cursor) setTotals({ opening: page.openingBalanceFen, closing: page.closingBalanceFen });
    return page;
  }, [id, from, to]);
  const title = account ? `${accountName(account, lang)}${account.partyId ? ` · ${partyName(account.partyId)}` : ''}` : null;
  useCrumbTitle(title);

  const columns: TableColumnsType<Posting> = [
    { title: t('lg.bizDate'), dataIndex: 'bizDate', render: (v: string, p) => <>{v}<div style={{ fontSize: 12, color: '#999' }}>{formatDateTime(p.createdAt).slice(11)}</div></> },
    { title: t('lg.entryKind'), dataIndex: 'entryKind', render: (v: string) => <EntryKindTag kind={v} />, responsive: ['sm'] },
    { title: t('lg.memo'), dataIndex: 'memo', render: (v: string, p) => <Typography.Link onClick={() => setEntryId(p.entryId)} data-testid="posting-link">{v || p.refId}</Typography.Link> },
    { title: t('lg.debit'), dataIndex: 'debitFen', align: 'right', render: (v: number) => (v ? formatFen(v) : '') },
    { title: t('lg.credit'), dataIndex: 'creditFen', align: 'right', render: (v: number) => (v ? formatFen(v) : '') },
    { title: t('lg.runningBalance'), dataIndex: 'balanceFen', align: 'right', render: (v: number) => <Typography.Text strong type={v < 0 ? 'danger' : undefined}>{formatFen(v)}</Typography.Text> },
  ];

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{title ?? t('lg.statement')}</Typography.Title>}
      extra={<Link to={account ? `/admin/ledger?county=${account.countyCode}` : '/admin/ledger'}><Button>{t('lg.backToLedger')}</Button></Link>}
    >
      {account && (
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 4 }} style={{ marginBottom: 12 }}>
          <Descriptions.Item label={t('lg.kindLabel')}>{t(`lg.kind.${account.kind}` as MessageKey)}</Descriptions.Item>
          <Descriptions.Item label={t('lg.type')}>{t(`lg.acctType.${account.type}` as MessageKey)}</Descriptions.Item>
          <Descriptions.Item label={t('lg.normalSide')}>{t(`lg.side.${account.normalSide}` as MessageKey)}</Descriptions.Item>
          <Descriptions.Item label={t('lg.guarded')}>{account.guarded ? <Tag color="gold">{t('lg.guardedYes')}</Tag> : t('lg.guardedNo')}</Descriptions.Item>
        </Descriptions>
      )}
      <Space wrap size={24} style={{ marginBottom: 16 }} align="end">
        <DatePicker.RangePicker value={range} onChange={(v) => setRange(v as [Dayjs | null, Dayjs | null] | null)} placeholder={[t('lg.from'), t('lg.to')]} />
        <Statistic title={t('lg.opening')} value={totals ? formatFen(totals.opening) : '—'} styles={{ content: { fontSize: 18 } }} />
        <Statistic title={t('lg.closing')} value={totals ? formatFen(totals.closing) : '—'} styles={{ content: { fontSize: 18 } }} />
      </Space>
      {list.error ? <Typography.Paragraph type="danger">{problemText(list.error, t)}</Typography.Paragraph> : null}
      <Table<Posting>
        rowKey={(p, i) => `${p.entryId}-${i}`} columns={columns} dataSource={list.items} pagination={false} scroll={{ x: 'max-content' }} size="middle"
        loading={list.loading && list.items.length === 0}
        onRow={(p) => ({ onDoubleClick: () => setEntryId(p.entryId) })}
        locale={{ emptyText: <Empty description={range ? t('lg.noPostingsInRange') : t('lg.noPostings')} /> }}
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onMore={list.loadMore} count={list.items.length} />
      <EntryDrawer entryId={entryId} partyName={partyName} onClose={() => setEntryId(null)} />
    </Card>
  );
}
