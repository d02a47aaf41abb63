import { Button, Descriptions, Drawer, Empty, Spin, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { ledgerApi, type LedgerAccountInfo, type LedgerEntry } from '../../api/ledger';
import { useI18n, type Lang, type MessageKey } from '../../i18n';
import { formatDateTime, formatFen } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { useAsync } from '../../shared/useAsync';
import { useDrawerSize } from '../admin/adminShared';

export const accountName = (a: Pick<LedgerAccountInfo, 'nameZh' | 'nameEn'>, lang: Lang) => (lang === 'zh-CN' ? a.nameZh : a.nameEn);

export function BalancedTag({ balanced }: { balanced: boolean }) {
  const { t } = useI18n();
  return <Tag color={balanced ? 'success' : 'error'} data-testid="trial-balance-tag" style={{ fontSize: 14, padding: '2px 10px' }}>{balanced ? t('lg.balanced') : t('lg.unbalanced')}</Tag>;
}

const ENTRY_COLOURS: Record<string, string> = { payment: 'blue', commission: 'purple', refund: 'orange', payout: 'cyan', settlement: 'geekblue', adjustment: 'red' };
export function EntryKindTag({ kind }: { kind: string }) {
  const { t } = useI18n();
  return <Tag color={ENTRY_COLOURS[kind] ?? 'default'}>{t(`lg.entryKind.${kind}` as MessageKey)}</Tag>;
}

type PostingRow = LedgerEntry['postings'][number];

/** One entry: what it was for and its postings; debits equal credits. */
export function EntryDrawer({ entryId, partyName, onClose }: { entryId: string | null; partyName: (id: string | null) => string | null; onClose: () => void }) {
  const { t } = useI18n();
  const size = useDrawerSize(640);
  const state = useAsync((signal) => (entryId ? ledgerApi.entry(entryId, signal) : Promise.resolve(null)), [entryId]);
  const e = state.data && state.data.id === entryId ? state.data : null;
  const debit = e ? e.postings.filter((p) => p.amountFen > 0).reduce((s, p) => s + p.amountFen, 0) : 0;
  const credit = e ? -e.postings.filter((p) => p.amountFen < 0).reduce((s, p) => s + p.amountFen, 0) : 0;
  return (
    <Drawer open={!!entryId} onClose={onClose} size={size} destroyOnHidden title={t('lg.entry')}>
      {state.error ? <Empty description={problemText(state.error, t)}><Button onClick={state.reload}>{t('common.retry')}</Button></Empty>
        : !e ? <div style={{ textAlign: 'center', padding: 48 }}><Spin /></div> : (
          <div data-testid="entry-detail">
            <Descriptions column={1} size="small" bordered styles={{ label: { width: 110 } }}>
              <Descriptions.Item label={t('lg.entryKind')}><EntryKindTag kind={e.kind} /></Descriptions.Item>
              <Descriptions.Item label={t('lg.memo')}>{e.memo || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('lg.bizDate')}>{e.bizDate}</Descriptions.Item>
              <Descriptions.Item label={t('lg.ref')}>{e.refType} <Typography.Text copyable type="secondary">{e.refId}</Typography.Text></Descriptions.Item>
              <Descriptions.Item label={t('lg.total')}>{formatFen(e.totalFen)}</Descriptions.Item>
              <Descriptions.Item label={t('lg.recordedAt')}>{formatDateTime(e.createdAt)}</Descriptions.Item>
            </Descriptions>
            <Typography.Title level={5} style={{ marginTop: 20 }}>{t('lg.postings')}</Typography.Title>
            <Table<PostingRow>
              rowKey="id" size="small" pagination={false} dataSource={e.postings} scroll={{ x: 'max-content' }}
              columns={[
                { title: t('lg.account'), key: 'acc', render: (_, p) => <Link to={`/admin/ledger/accounts/${p.accountId}`} onClick={onClose}>{t(`lg.kind.${p.accountKind}` as MessageKey)}{partyName(p.partyId) ? ` · ${partyName(p.partyId)}` : ''}</Link> },
                { title: t('lg.debit'), key: 'dr', align: 'right', render: (_, p) => (p.amountFen > 0 ? formatFen(p.amountFen) : '') },
                { title: t('lg.credit'), key: 'cr', align: 'right', render: (_, p) => (p.amountFen < 0 ? formatFen(-p.amountFen) : '') },
              ]}
              summary={() => (
                <Table.Summary.Row>
                  <Table.Summary.Cell index={0}><Typography.Text strong>{t('lg.sum')}</Typography.Text></Table.Summary.Cell>
                  <Table.Summary.Cell index={1} align="right"><Typography.Text strong>{formatFen(debit)}</Typography.Text></Table.Summary.Cell>
                  <Table.Summary.Cell index={2} align="right"><Typography.Text strong>{formatFen(credit)}</Typography.Text></Table.Summary.Cell>
                </Table.Summary.Row>
              )}
            />
          </div>
        )}
    </Drawer>
  );
}
