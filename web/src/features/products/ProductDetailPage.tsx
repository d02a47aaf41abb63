import { EditOutlined, EyeOutlined, RocketOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Image, Popconfirm, Skeleton, Space, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { productsApi } from '../../api/catalog';
import { ProblemError } from '../../api/client';
import type { LicenceKind, ProductDetail } from '../../api/types';
import { localName, useI18n } from '../../i18n';
import { formatDateTime } from '../../shared/format';
import { problemText, requirementText } from '../../shared/problems';
import { canEditSupplier, isCenterFor, useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';
import { useCategories } from '../../shared/useCategories';
import { LoadFailed, ProductStatusTag, useProblemHandler } from '../admin/adminShared';
import { useCrumbTitle } from '../admin/crumbs';
import { BatchSection } from './BatchSection';
import { ImageSection } from './ImageSection';
import { ProductDrawer } from './ProductDrawer';
import { priceRange } from './ProductListPage';
import { SelectionSection } from './SelectionSection';
import { SkuSection } from './SkuSection';

/** Why the product cannot go on sale, in plain words naming the missing licence, with the way forward. */
function ListingAlert({ product, missing, editable }: { product: ProductDetail; missing: LicenceKind[][]; editable: boolean }) {
  const { t } = useI18n();
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="listing-check"
      title={t('listing.blocked')}
      description={(
        <Space orientation="vertical" size={4}>
          <span>{t('problem.licence_missing', { licences: requirementText(missing, t) })}</span>
          {editable && <Link to={`/admin/suppliers/${product.supplierId}`}>{t('listing.goSubmit', { supplier: product.supplierName })}</Link>}
        </Space>
      )}
    />
  );
}

function Header({ product, editable, onChanged, onEdit }: { product: ProductDetail; editable: boolean; onChanged: (p: ProductDetail) => void; onEdit: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const handle = useProblemHandler();
  const { data: categories } = useCategories();
  const [busy, setBusy] = useState(false);
  const [publishError, setPublishError] = useState<ProblemError | null>(null);
  const category = categories?.find((c) => c.code === product.categoryCode);

  const publish = async () => {
    setBusy(true);
    setPublishError(null);
    try {
      onChanged(await productsApi.publish(product.id));
      message.success(t('product.published'));
    } catch (err) {
      if (err instanceof ProblemError && ['licence_missing', 'no_sku', 'supplier_suspended'].includes(err.code)) setPublishError(err);
      else handle(err);
    } finally {
      setBusy(false);
    }
  };
  const unpublish = async () => {
    setBusy(true);
    try {
      onChanged(await productsApi.unpublish(product.id));
      message.success(t('product.unpublished'));
    } catch (err) {
      handle(err);
    } finally {
      setBusy(false);
    }
  };

  const blockedBy = !product.listingCheck.ok ? product.listingCheck.missing : null;
  return (
    <Card
      title={<Space wrap><Typography.Title level={4} style={{ margin: 0 }}>{product.title}</Typography.Title><span data-testid="product-status"><ProductStatusTag status={product.status} /></span></Space>}
      extra={(
        <Space wrap>
          {product.status === 'on_sale' && <a href={`/p/${product.id}`} target="_blank" rel="noreferrer"><Button icon={<EyeOutlined />}>{t('product.viewInStore')}</Button></a>}
          {editable && <Button icon={<EditOutlined />} onClick={onEdit}>{t('common.edit')}</Button>}
          {editable && product.status !== 'on_sale' && (
            <Button type="primary" icon={<RocketOutlined />} loading={busy} onClick={() => void publish()} data-testid="publish">{t('product.publish')}</Button>
          )}
          {editable && product.status === 'on_sale' && (
            <Popconfirm title={t('product.unpublishConfirm')} onConfirm={() => void unpublish()} okText={t('common.confirm')} cancelText={t('common.cancel')}>
              <Button danger icon={<StopOutlined />} loading={busy}>{t('product.unpublish')}</Button>
            </Popconfirm>
          )}
        </Space>
      )}
    >
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        {publishError && (
          <Alert type="error" showIcon closable={{ onClose: () => setPublishError(null) }} title={t('product.publishFailed')} description={problemText(publishError, t)} data-testid="publish-error" />
        )}
        {product.status !== 'on_sale' && blockedBy && <ListingAlert product={product} missing={blockedBy} editable={editable} />}
        {product.status !== 'on_sale' && !blockedBy && product.skus.filter((s) => !s.archived).length === 0 && <Alert type="info" showIcon title={t('problem.no_sku')} />}
        <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
          {product.coverUrl && <Image src={product.coverUrl} width={120} height={120} style={{ objectFit: 'cover', borderRadius: 8 }} alt={product.title} />}
          <Descriptions
            style={{ flex: 1, minWidth: 260 }}
            column={{ xs: 1, sm: 1, md: 2, xl: 3 }}
            size="small"
            items={[
              { key: 'supplier', label: t('product.supplier'), children: <Link to={`/admin/suppliers/${product.supplierId}`}>{product.supplierName}</Link> },
              { key: 'category', label: t('product.category'), children: category ? localName(lang, category) : product.categoryCode },
              { key: 'origin', label: t('product.origin'), children: product.originName },
              { key: 'price', label: t('product.price'), children: priceRange(product, t('product.noSku')) },
              { key: 'stock', label: t('product.stock'), children: `${product.stockTotal} ${product.unit}` },
              { key: 'sold', label: t('product.sold'), children: product.soldCount },
              { key: 'subtitle', label: t('product.subtitle'), children: product.subtitle || t('common.none') },
              { key: 'published', label: t('product.publishedAt'), children: product.publishedAt ? formatDateTime(product.publishedAt) : t('common.none') },
              { key: 'updated', label: t('common.updatedAtLabel'), children: formatDateTime(product.updatedAt) },
            ]}
          />
        </div>
      </Space>
    </Card>
  );
}

/** One product: status and listing rule, SKUs and stock, batches, images, selection terms. */
export function ProductDetailPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { message } = App.useApp();
  const { user } = useSession();
  const { data: product, error, loading, reload, setData } = useAsync(() => productsApi.get(id), [id]);
  const [editing, setEditing] = useState(false);
  useCrumbTitle(product?.title);

  if (error) return <LoadFailed error={error} notFound={t('product.notFound')} backTo="/admin/products" backLabel={t('nav.products')} onRetry={reload} />;
  if (loading && !product) return <Card><Skeleton active /></Card>;
  if (!product) return null;

  const editable = canEditSupplier(user, product.supplierId, product.countyCode);
  const curator = isCenterFor(user, product.countyCode);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Header product={product} editable={editable} onChanged={setData} onEdit={() => setEditing(true)} />
      <SkuSection product={product} editable={editable} onChanged={reload} />
      <BatchSection product={product} editable={editable} onChanged={reload} />
      <ImageSection product={product} editable={editable} onChanged={setData} />
      <SelectionSection product={product} curator={curator} onChanged={setData} />
      {product.description && (
        <Card title={t('product.description')}><Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{product.description}</Typography.Paragraph></Card>
      )}
      <ProductDrawer open={editing} product={product} onClose={() => setEditing(false)} onSaved={(p) => { setEditing(false); setData(p); message.success(t('common.saved')); }} />
    </Space>
  );
}
