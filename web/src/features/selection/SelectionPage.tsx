import { AppstoreOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { Card, Col, Empty, Image, Input, InputNumber, Row, Segmented, Select, Space, Spin, Switch, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { selectionApi } from '../../api/catalog';
import type { SelectionCard } from '../../api/types';
import { useI18n } from '../../i18n';
import { formatBp, formatFen, yuanToFen } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { hasRole, useSession } from '../../shared/session';
import { useCategories } from '../../shared/useCategories';
import { useCursorList, useDebounced } from '../../shared/useAsync';
import { LoadMore } from '../admin/adminShared';
import { RegionCascader } from '../admin/RegionCascader';
import { useMyCounties } from '../admin/useCounties';
import { categoryOptions } from '../products/ProductFormFields';

interface Filters {
  q: string;
  categoryCode?: string | undefined;
  countyCode?: string | undefined;
  villageCode?: string | undefined;
  inStock: boolean;
  preSale: boolean;
  minPrice?: number | null;
  maxPrice?: number | null;
}

/** Where a card leads: staff open the product, hosts its public page. */
function useProductLink() {
  const { user } = useSession();
  const staff = hasRole(user, ['center_admin', 'operator', 'official']);
  return (c: SelectionCard) => (staff ? { to: `/admin/products/${c.productId}`, external: false } : { to: `/p/${c.productId}`, external: true });
}

function ItemLink({ card, children }: { card: SelectionCard; children: React.ReactNode }) {
  const link = useProductLink()(card);
  return link.external ? <a href={link.to} target="_blank" rel="noreferrer">{children}</a> : <Link to={link.to}>{children}</Link>;
}

function SelectionCardView({ card }: { card: SelectionCard }) {
  const { t } = useI18n();
  const s = card.selection;
  return (
    <Card
      hoverable
      size="small"
      cover={card.coverUrl ? <Image src={card.coverUrl} alt={card.title} preview={false} style={{ aspectRatio: '1 / 1', objectFit: 'cover' }} /> : undefined}
      data-testid="selection-card"
    >
      <ItemLink card={card}><Typography.Text strong ellipsis={{ tooltip: card.title }} style={{ display: 'block' }}>{card.title}</Typography.Text></ItemLink>
      <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis>{card.supplierName} · {card.originName}</Typography.Text>
      <div style={{ margin: '6px 0', display: 'flex', justifyContent: 'space-between', alignItems: 'baseline', flexWrap: 'wrap', gap: 4 }}>
        <Typography.Text style={{ color: '#d4380d', fontWeight: 600 }}>{t('selection.livePrice', { price: formatFen(s.suggestedPriceFen) })}</Typography.Text>
        <Tag color="volcano" style={{ marginInlineEnd: 0 }}>{t('selection.commissionShort', { pct: formatBp(s.commissionRateBp) })}</Tag>
      </div>
      <Space size={[4, 4]} wrap style={{ minHeight: 22 }}>
        {card.hasPresale && <Tag color="orange">{t('saleMode.presale')}</Tag>}
        {s.sellingPoints.slice(0, 3).map((p) => <Tag key={p}>{p}</Tag>)}
      </Space>
      <div style={{ marginTop: 6, fontSize: 12, color: '#888' }}>
        {t('selection.stockSamples', { stock: card.stockTotal, unit: card.unit, samples: s.sampleQuantity })}
      </div>
    </Card>
  );
}

/** 选品库: curated products hosts choose from, filterable by category, village, stock, pre-sale, price. */
export function SelectionPage() {
  const { t, lang } = useI18n();
  const { data: categories } = useCategories();
  const { counties } = useMyCounties(['center_admin', 'operator', 'official', 'host']);
  const [view, setView] = useState<'cards' | 'table'>('cards');
  const [search, setSearch] = useState('');
  const [f, setF] = useState<Filters>({ q: '', inStock: false, preSale: false });
  const q = useDebounced(search.trim(), 350);
  const minPrice = useDebounced(f.minPrice, 400);
  const maxPrice = useDebounced(f.maxPrice, 400);
  const countyCode = f.countyCode ?? (counties.length === 1 ? counties[0]!.countyCode : undefined);
  const priceError = minPrice != null && maxPrice != null && minPrice > maxPrice;

  useEffect(() => { setF((x) => ({ ...x, villageCode: undefined })); }, [countyCode]);

  const list = useCursorList((cursor) => (priceError ? Promise.resolve({ items: [], nextCursor: null }) : selectionApi.list({
    q: q || undefined, categoryCode: f.categoryCode, countyCode: f.countyCode, villageCode: f.villageCode,
    inStock: f.inStock || undefined, preSale: f.preSale || undefined,
    minPriceFen: minPrice != null ? yuanToFen(minPrice) : undefined, maxPriceFen: maxPrice != null ? yuanToFen(maxPrice) : undefined,
    cursor, limit: 24,
  })), [q, f.categoryCode, f.countyCode, f.villageCode, f.inStock, f.preSale, minPrice, maxPrice, priceError]);

  const columns: TableColumnsType<SelectionCard> = [
    { title: t('product.title'), dataIndex: 'title', render: (v: string, c) => <ItemLink card={c}>{v}</ItemLink> },
    { title: t('product.supplier'), dataIndex: 'supplierName', responsive: ['md'] },
    { title: t('product.origin'), dataIndex: 'originName', responsive: ['lg'] },
    { title: t('product.price'), key: 'price', render: (_, c) => (c.priceFen !== null ? formatFen(c.priceFen) : '—') },
    { title: t('selection.suggestedPrice'), key: 'sp', render: (_, c) => formatFen(c.selection.suggestedPriceFen) },
    { title: t('selection.commission'), key: 'cm', render: (_, c) => formatBp(c.selection.commissionRateBp) },
    { title: t('product.stock'), dataIndex: 'stockTotal', render: (v: number, c) => `${v} ${c.unit}`, responsive: ['sm'] },
    { title: t('selection.sellingPoints'), key: 'pts', render: (_, c) => c.selection.sellingPoints.map((p) => <Tag key={p}>{p}</Tag>), responsive: ['xl'] },
  ];

  const anyFilter = !!(q || f.categoryCode || f.villageCode || f.inStock || f.preSale || minPrice != null || maxPrice != null);
  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('nav.selection')}</Typography.Title>}
      extra={<Segmented value={view} onChange={(v) => setView(v as 'cards' | 'table')} options={[{ value: 'cards', icon: <AppstoreOutlined />, title: t('selection.viewCards') }, { value: 'table', icon: <UnorderedListOutlined />, title: t('selection.viewTable') }]} />}
    >
      <Space wrap style={{ marginBottom: 16 }} align="center">
        <Input.Search allowClear placeholder={t('selection.searchPlaceholder')} aria-label={t('selection.searchPlaceholder')} value={search} onChange={(e) => setSearch(e.target.value)} style={{ width: 220 }} maxLength={40} />
        <Select allowClear placeholder={t('product.category')} aria-label={t('product.category')} style={{ width: 140 }} value={f.categoryCode}
          onChange={(v) => setF({ ...f, categoryCode: v })} options={categoryOptions(categories, lang)} />
        {counties.length > 1 && (
          <Select allowClear placeholder={t('supplier.county')} aria-label={t('supplier.county')} style={{ width: 160 }} value={f.countyCode}
            onChange={(v) => setF({ ...f, countyCode: v })} options={counties.map((c) => ({ value: c.countyCode, label: c.name }))} />
        )}
        <div style={{ width: 220 }}>
          <RegionCascader countyCode={countyCode} value={f.villageCode} onChange={(v) => setF({ ...f, villageCode: v })} allowClear placeholder={t('selection.villagePlaceholder')} />
        </div>
        <Space.Compact>
          <InputNumber prefix="¥" min={0} precision={2} placeholder={t('filter.minPrice')} aria-label={t('filter.minPrice')} value={f.minPrice ?? null} onChange={(v) => setF({ ...f, minPrice: v })} style={{ width: 110 }} status={priceError ? 'error' : ''} />
          <InputNumber prefix="¥" min={0} precision={2} placeholder={t('filter.maxPrice')} aria-label={t('filter.maxPrice')} value={f.maxPrice ?? null} onChange={(v) => setF({ ...f, maxPrice: v })} style={{ width: 110 }} status={priceError ? 'error' : ''} />
        </Space.Compact>
        <label style={{ display: 'inline-flex', gap: 6, alignItems: 'center' }}><Switch size="small" checked={f.inStock} onChange={(v) => setF({ ...f, inStock: v })} />{t('filter.inStock')}</label>
        <label style={{ display: 'inline-flex', gap: 6, alignItems: 'center' }}><Switch size="small" checked={f.preSale} onChange={(v) => setF({ ...f, preSale: v })} />{t('filter.preSale')}</label>
      </Space>
      {priceError && <Typography.Paragraph type="danger">{t('field.maxPriceFen.invalid')}</Typography.Paragraph>}
      {list.error ? <Typography.Paragraph type="danger">{problemText(list.error, t)}</Typography.Paragraph> : null}
      {view === 'table' ? (
        <Table<SelectionCard> rowKey="productId" columns={columns} dataSource={list.items} pagination={false} scroll={{ x: 'max-content' }}
          loading={list.loading && list.items.length === 0}
          locale={{ emptyText: <Empty description={anyFilter ? t('selection.emptyFiltered') : t('selection.empty')} /> }} />
      ) : list.loading && list.items.length === 0 ? (
        <div style={{ textAlign: 'center', padding: 48 }}><Spin /></div>
      ) : list.items.length === 0 ? (
        <Empty description={anyFilter ? t('selection.emptyFiltered') : t('selection.empty')} />
      ) : (
        <Row gutter={[12, 12]}>
          {list.items.map((c) => <Col key={c.productId} xs={12} sm={8} md={6} xl={4}><SelectionCardView card={c} /></Col>)}
        </Row>
      )}
      <LoadMore hasMore={list.hasMore} loading={list.loading} onMore={list.loadMore} count={list.items.length} />
    </Card>
  );
}
