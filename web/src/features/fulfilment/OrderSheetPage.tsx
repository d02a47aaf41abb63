import { DownloadOutlined, SendOutlined, UploadOutlined } from '@ant-design/icons';
import { App, Badge, Button, Card, DatePicker, Dropdown, Empty, Grid, Input, Popconfirm, Select, Space, Table, Tabs, Typography, type TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { SHEET_TABS, fulfilmentApi, saveDownload, type SheetCounts, type SheetFilter, type SheetTab } from '../../api/fulfilment';
import type { Order } from '../../api/orders';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { CENTER_ROLES, hasRole, useSession } from '../../shared/session';
import { useCursorList } from '../../shared/useAsync';
import { LoadMore, useProblemHandler } from '../admin/adminShared';
import { useMyCounties } from '../admin/useCounties';
import { SupplierSelect } from '../suppliers/SupplierSelect';
import { ImportTrackingModal } from './ImportTrackingModal';
import { AmountCell, ItemsCell, OrderDrawer, OrderStatusTag, RecipientCell, carrierName } from './orderShared';
import { BatchShipDrawer, ShipDrawer } from './ShipDrawer';

const COUNT_KEY: Record<SheetTab, keyof SheetCounts> = { to_ship: 'toShip', shipped: 'shipped', delivered: 'delivered', completed: 'completed' };

/** 订单发货: the order sheet by tab, ship one or many, pick/packing lists, tracking import, delivered. */
export function OrderSheetPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const handle = useProblemHandler();
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const tab = (SHEET_TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as SheetTab) : 'to_ship';
  const [orderNo, setOrderNo] = useState('');
  const [paid, setPaid] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [supplierId, setSupplierId] = useState<string | undefined>();
  const [countyCode, setCountyCode] = useState<string | undefined>();
  const [counts, setCounts] = useState<SheetCounts | null>(null);
  const [selected, setSelected] = useState<Order[]>([]);
  const [shipping, setShipping] = useState<Order | null>(null);
  const [batch, setBatch] = useState<Order[] | null>(null);
  const [importing, setImporting] = useState(false);
  const [detailId, setDetailId] = useState<string | null>(null);
  const [exporting, setExporting] = useState<string | null>(null);
  const center = hasRole(user, CENTER_ROLES);
  const wide = !!Grid.useBreakpoint().md;
  const { counties } = useMyCounties();

  const filter: SheetFilter = useMemo(() => ({
    tab, orderNo: orderNo || undefined, supplierId, countyCode,
    paidFrom: paid?.[0]?.format('YYYY-MM-DD'), paidTo: paid?.[1]?.format('YYYY-MM-DD'),
  }), [tab, orderNo, supplierId, countyCode, paid]);
  const list = useCursorList(async (cursor) => {
    const page = await fulfilmentApi.sheet({ ...filter, cursor, limit: 20 });
    setCounts(page.counts);
    return page;
  }, [filter]);
  const refresh = () => { setSelected([]); list.reload(); };

  const setTab = (next: string) => { setSelected([]); setParams(next === 'to_ship' ? {} : { tab: next }, { replace: true }); };

  const exportList = async (kind: 'pick' | 'packing', ids: readonly string[]) => {
    setExporting(kind);
    try {
      const d = kind === 'pick' ? await fulfilmentApi.pickList(filter, ids) : await fulfilmentApi.packingList(filter, ids);
      saveDownload(d);
      message.success(t('fo.exported', { name: d.filename }));
    } catch (err) {
      handle(err);
    } finally {
      setExporting(null);
    }
  };

  const deliver = async (o: Order) => {
    try {
      await fulfilmentApi.deliver(o.id);
      message.success(t('fo.delivered', { no: o.orderNo }));
      refresh();
    } catch (err) {
      handle(err);
    }
  };

  const actions = (o: Order, inDrawer = false) => (
    <Space size={4}>
      {o.status === 'paid' && <Button size="small" type="primary" onClick={() => setShipping(o)} data-testid="ship-one">{t('fo.ship')}</Button>}
      {o.status === 'shipped' && (
        <Popconfirm title={t('fo.deliverConfirm', { no: o.orderNo })} onConfirm={() => deliver(o)} okText={t('fo.markDelivered')} cancelText={t('common.cancel')}>
          <Button size="small">{t('fo.markDelivered')}</Button>
        </Popconfirm>
      )}
      {!inDrawer && <Button size="small" type="link" onClick={() => setDetailId(o.id)}>{t('common.view')}</Button>}
    </Space>
  );

  const columns: TableColumnsType<Order> = [
    { title: t('fo.orderNo'), dataIndex: 'orderNo', render: (v: string, o) => <Space orientation="vertical" size={0}><Typography.Link onClick={() => setDetailId(o.id)}>{v}</Typography.Link>{center && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{o.supplierName}</Typography.Text>}</Space> },
    { title: t('fo.items'), key: 'items', render: (_, o) => <ItemsCell items={o.items} /> },
    { title: t('fo.recipient'), key: 'recipient', render: (_, o) => <RecipientCell order={o} />, responsive: ['md'] },
    { title: t('fo.amount'), key: 'amount', render: (_, o) => <AmountCell order={o} /> },
    { title: t('fo.paidAt'), dataIndex: 'paidAt', render: (v: string | null) => formatDateTime(v), responsive: ['lg'] },
    ...(tab === 'to_ship' ? [] : [{
      title: t('fo.tracking'), key: 'tracking', responsive: ['sm'] as const,
      render: (_: unknown, o: Order) => (o.trackingNo ? <>{carrierName(o.carrier, t)}<br /><Typography.Text copyable style={{ fontSize: 12 }}>{o.trackingNo}</Typography.Text></> : '—'),
    }] as TableColumnsType<Order>),
    { title: t('common.status'), dataIndex: 'status', render: (_, o) => <OrderStatusTag status={o.status} />, responsive: ['sm'] },
    { title: t('common.actions'), key: 'actions', fixed: wide ? 'right' : undefined, render: (_, o) => actions(o) },
  ];

  const filtered = !!(orderNo || paid || supplierId || countyCode);
  const exportMenu = (kind: 'pick' | 'packing') => ({
    items: [
      { key: 'filter', label: t('fo.exportFilter') },
      { key: 'selected', label: t('fo.exportSelected', { count: selected.length }), disabled: !selected.length },
    ],
    onClick: ({ key }: { key: string }) => void exportList(kind, key === 'selected' ? selected.map((o) => o.id) : []),
  });
  const toolbar = (
    <Space wrap size={8}>
      <Dropdown menu={exportMenu('pick')}><Button icon={<DownloadOutlined />} loading={exporting === 'pick'} data-testid="export-pick">{t('fo.pickList')}</Button></Dropdown>
      <Dropdown menu={exportMenu('packing')}><Button icon={<DownloadOutlined />} loading={exporting === 'packing'} data-testid="export-packing">{t('fo.packingList')}</Button></Dropdown>
      <Button icon={<UploadOutlined />} onClick={() => setImporting(true)} data-testid="import-tracking">{t('fo.importTracking')}</Button>
    </Space>
  );
  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('nav.fulfilment')}</Typography.Title>} extra={wide ? toolbar : null}>
      {!wide && <div style={{ marginBottom: 8 }}>{toolbar}</div>}
      <Tabs activeKey={tab} onChange={setTab} items={SHEET_TABS.map((k) => ({
        key: k,
        label: <span data-testid={`tab-${k}`}>{t(`fo.tab.${k}` as MessageKey)} <Badge count={counts?.[COUNT_KEY[k]] ?? 0} showZero overflowCount={9999} color={k === 'to_ship' && counts?.toShip ? '#d4380d' : '#bfbfbf'} /></span>,
      }))} />
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search allowClear placeholder={t('fo.searchOrderNo')} aria-label={t('fo.searchOrderNo')} onSearch={(v) => setOrderNo(v.trim())} style={{ width: 220 }} maxLength={40} />
        <DatePicker.RangePicker value={paid} onChange={(v) => setPaid(v as [Dayjs | null, Dayjs | null] | null)} placeholder={[t('fo.paidFrom'), t('fo.paidTo')]} style={{ width: 250 }} />
        {center && <SupplierSelect allowClear value={supplierId} onChange={setSupplierId} placeholder={t('fo.supplier')} style={{ width: 200 }} />}
        {center && counties.length > 1 && (
          <Select allowClear placeholder={t('fo.county')} style={{ width: 160 }} value={countyCode} onChange={setCountyCode}
            options={counties.map((c) => ({ value: c.countyCode, label: c.name }))} />
        )}
      </Space>
      {tab === 'to_ship' && selected.length > 0 && (
        <div style={{ background: '#fff7e6', border: '1px solid #ffd591', borderRadius: 6, padding: '8px 12px', marginBottom: 12, display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'center' }} data-testid="bulk-bar">
          <span>{t('fo.selectedCount', { count: selected.length })}</span>
          <Button type="primary" size="small" icon={<SendOutlined />} onClick={() => setBatch(selected)} data-testid="batch-ship">{t('fo.batchShipOpen')}</Button>
          <Button size="small" onClick={() => void exportList('pick', selected.map((o) => o.id))}>{t('fo.pickList')}</Button>
          <Button size="small" onClick={() => void exportList('packing', selected.map((o) => o.id))}>{t('fo.packingList')}</Button>
          <Button size="small" type="link" onClick={() => setSelected([])}>{t('fo.clearSelection')}</Button>
        </div>
      )}
      {list.error ? <Typography.Paragraph type="danger">{problemText(list.error, t)}</Typography.Paragraph> : null}
      <Table<Order>
        rowKey="id" columns={columns} dataSource={list.items} pagination={false} scroll={{ x: 'max-content' }}
        loading={list.loading && list.items.length === 0}
        rowSelection={tab === 'to_ship' ? { selectedRowKeys: selected.map((o) => o.id), onChange: (_, rows) => setSelected(rows), preserveSelectedRowKeys: true } : undefined}
        locale={{ emptyText: <Empty description={filtered ? t('fo.emptyFiltered') : t(`fo.empty.${tab}` as MessageKey)} /> }}
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onMore={list.loadMore} count={list.items.length} />
      <ShipDrawer order={shipping} onClose={() => setShipping(null)}
        onShipped={(o) => { setShipping(null); setDetailId(null); message.success(t('fo.shipped', { no: o.orderNo })); refresh(); }} />
      <BatchShipDrawer orders={batch} onClose={() => { setBatch(null); refresh(); }} onDone={() => list.reload()} />
      <ImportTrackingModal open={importing} onClose={() => setImporting(false)} onImported={refresh} />
      <OrderDrawer orderId={detailId} onClose={() => setDetailId(null)} actions={(o) => actions(o, true)} />
    </Card>
  );
}
