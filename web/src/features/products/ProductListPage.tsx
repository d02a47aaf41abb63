import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Checkbox, Empty, Image, Input, Select, Space, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { productsApi } from '../../api/catalog';
import { PRODUCT_STATUSES, type ProductCard, type ProductStatus } from '../../api/types';
import { localName, useI18n } from '../../i18n';
import { formatFen } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { hasRole, useSession } from '../../shared/session';
import { useCategories } from '../../shared/useCategories';
import { useCursorList } from '../../shared/useAsync';
import { LoadMore, ProductStatusTag } from '../admin/adminShared';
import { SupplierSelect } from '../suppliers/SupplierSelect';
import { ProductDrawer } from './ProductDrawer';
import { categoryOptions } from './ProductFormFields';

export function priceRange(p: { priceFen: number | null; priceMaxFen: number | null }, none: string): string {
  if (p.priceFen === null) return none;
  return p.priceMaxFen !== null && p.priceMaxFen > p.priceFen ? `${formatFen(p.priceFen)} – ${formatFen(p.priceMaxFen)}` : formatFen(p.priceFen);
}

/** 商品: products of my counties (or my own, for a supplier) with filters; create in a drawer. */
export function ProductListPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const { data: categories } = useCategories();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<ProductStatus | undefined>();
  const [categoryCode, setCategoryCode] = useState<string | undefined>();
  const [inStock, setInStock] = useState(false);
  const [creating, setCreating] = useState(false);
  const supplierId = params.get('supplierId') ?? undefined;
  const setSupplierId = (id: string | undefined) => setParams(id ? { supplierId: id } : {}, { replace: true });
  const list = useCursorList(
    (cursor) => productsApi.list({ q: q || undefined, status, categoryCode, supplierId, inStock: inStock || undefined, cursor, limit: 20 }),
    [q, status, categoryCode, supplierId, inStock],
  );
  const canCreate = hasRole(user, ['center_admin', 'operator', 'supplier']);
  const catName = (code: string) => {
    const c = categories?.find((x) => x.code === code);
    return c ? localName(lang, c) : code;
  };

  const columns: TableColumnsType<ProductCard> = [
    { title: '', dataIndex: 'coverUrl', width: 64, render: (v: string | null, p) => (v ? <Image src={v} alt={p.title} width={48} height={48} style={{ objectFit: 'cover', borderRadius: 4 }} preview={false} /> : null), responsive: ['sm'] },
    {
      title: t('product.title'), dataIndex: 'title',
      render: (v: string, p) => (
        <Space orientation="vertical" size={0}>
          <Link to={`/admin/products/${p.id}`}>{v}</Link>
          {p.subtitle && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{p.subtitle}</Typography.Text>}
        </Space>
      ),
    },
    { title: t('product.supplier'), dataIndex: 'supplierName', render: (v: string, p) => <Link to={`/admin/suppliers/${p.supplierId}`}>{v}</Link>, responsive: ['md'] },
    { title: t('product.category'), dataIndex: 'categoryCode', render: catName, responsive: ['lg'] },
    { title: t('product.price'), key: 'price', render: (_, p) => priceRange(p, t('product.noSku')) },
    { title: t('product.stock'), dataIndex: 'stockTotal', render: (v: number, p) => `${v} ${p.unit}`, responsive: ['sm'] },
    { title: t('common.status'), dataIndex: 'status', render: (v: ProductStatus, p) => <Space size={2}><ProductStatusTag status={v} />{p.hasPresale && <Typography.Text type="warning" style={{ fontSize: 12 }}>{t('saleMode.presale')}</Typography.Text>}</Space> },
  ];

  const filtered = !!(q || status || categoryCode || supplierId || inStock);
  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('nav.products')}</Typography.Title>}
      extra={canCreate && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('product.create')}</Button>}
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search allowClear placeholder={t('product.searchPlaceholder')} aria-label={t('product.searchPlaceholder')} onSearch={(v) => setQ(v.trim())} style={{ width: 220 }} maxLength={40} />
        <Select allowClear placeholder={t('common.status')} aria-label={t('common.status')} style={{ width: 120 }} value={status} onChange={setStatus}
          options={PRODUCT_STATUSES.map((s) => ({ value: s, label: t(`productStatus.${s}`) }))} />
        <Select allowClear placeholder={t('product.category')} aria-label={t('product.category')} style={{ width: 150 }} value={categoryCode} onChange={setCategoryCode}
          options={categoryOptions(categories, lang)} />
        {!hasRole(user, ['supplier']) || hasRole(user, ['center_admin', 'operator', 'official']) ? (
          <SupplierSelect allowClear value={supplierId} onChange={setSupplierId} placeholder={t('product.supplier')} style={{ width: 220 }} />
        ) : null}
        <Checkbox checked={inStock} onChange={(e) => setInStock(e.target.checked)}>{t('filter.inStock')}</Checkbox>
      </Space>
      {list.error ? <Typography.Paragraph type="danger">{problemText(list.error, t)}</Typography.Paragraph> : null}
      <Table<ProductCard>
        rowKey="id" columns={columns} dataSource={list.items} pagination={false} scroll={{ x: 'max-content' }}
        loading={list.loading && list.items.length === 0}
        onRow={(p) => ({ onDoubleClick: () => navigate(`/admin/products/${p.id}`) })}
        locale={{ emptyText: <Empty description={filtered ? t('product.emptyFiltered') : canCreate ? t('product.empty') : t('product.emptyReadOnly')} /> }}
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onMore={list.loadMore} count={list.items.length} />
      <ProductDrawer
        open={creating} initialSupplierId={supplierId} onClose={() => setCreating(false)}
        onSaved={(p) => { setCreating(false); message.success(t('product.created')); navigate(`/admin/products/${p.id}`); }}
      />
    </Card>
  );
}
