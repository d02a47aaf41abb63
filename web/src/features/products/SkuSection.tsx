import { EditOutlined, PlusOutlined, SwapOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Popconfirm, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { skusApi } from '../../api/catalog';
import type { ProductDetail, Sku } from '../../api/types';
import { useI18n } from '../../i18n';
import { formatFen, formatWeight } from '../../shared/format';
import { SaleModeTag, useProblemHandler } from '../admin/adminShared';
import { SkuDrawer } from './SkuDrawer';
import { StockModal } from './StockModal';

/** 规格与库存: SKUs with price, stock and sale mode; add, edit, adjust stock, stop selling one. */
export function SkuSection({ product, editable, onChanged }: { product: ProductDetail; editable: boolean; onChanged: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const handle = useProblemHandler();
  const [drawer, setDrawer] = useState<{ open: boolean; sku?: Sku }>({ open: false });
  const [stockSku, setStockSku] = useState<Sku | null>(null);
  const [archiving, setArchiving] = useState<string | null>(null);

  const toggleArchive = async (s: Sku) => {
    setArchiving(s.id);
    try {
      await skusApi.update(s.id, { archived: !s.archived });
      message.success(s.archived ? t('sku.restored') : t('sku.archived'));
      onChanged();
    } catch (err) {
      handle(err);
    } finally {
      setArchiving(null);
    }
  };

  const columns: TableColumnsType<Sku> = [
    { title: t('sku.spec'), dataIndex: 'spec', render: (v: string, s) => <Space size={4}>{v}{s.archived && <Tag>{t('sku.archivedTag')}</Tag>}</Space> },
    { title: t('sku.price'), dataIndex: 'priceFen', render: (v: number) => formatFen(v) },
    {
      title: t('sku.stock'), dataIndex: 'stockAvailable',
      render: (v: number) => <Typography.Text type={v === 0 ? 'danger' : undefined} data-testid="sku-stock">{v} {product.unit}</Typography.Text>,
    },
    { title: t('sku.saleMode'), dataIndex: 'saleMode', render: (_, s) => <Space size={4}><SaleModeTag mode={s.saleMode} />{s.shipsFrom && <span>{t('sku.shipsFromShort', { date: s.shipsFrom })}</span>}</Space> },
    { title: t('sku.weight'), dataIndex: 'weightG', render: formatWeight, responsive: ['md'] },
    { title: t('sku.gtin'), dataIndex: 'gtin', render: (v: string | null) => v ?? '—', responsive: ['lg'] },
    ...(editable ? [{
      title: t('common.actions'), key: 'actions',
      render: (_: unknown, s: Sku) => (
        <Space wrap size={0}>
          <Button type="link" size="small" icon={<SwapOutlined />} onClick={() => setStockSku(s)} disabled={s.archived}>{t('sku.adjustStock')}</Button>
          <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setDrawer({ open: true, sku: s })}>{t('common.edit')}</Button>
          <Popconfirm title={s.archived ? t('sku.restoreConfirm') : t('sku.archiveConfirm')} onConfirm={() => void toggleArchive(s)} okText={t('common.confirm')} cancelText={t('common.cancel')}>
            <Button type="link" size="small" danger={!s.archived} loading={archiving === s.id}>{s.archived ? t('sku.restore') : t('sku.archive')}</Button>
          </Popconfirm>
        </Space>
      ),
    }] : []),
  ];

  return (
    <Card title={t('product.skus')} extra={editable && <Button icon={<PlusOutlined />} onClick={() => setDrawer({ open: true })}>{t('sku.add')}</Button>}>
      <Table<Sku>
        rowKey="id" columns={columns} dataSource={product.skus} pagination={false} scroll={{ x: 'max-content' }} size="middle"
        locale={{ emptyText: <Empty description={editable ? t('sku.empty') : t('sku.emptyReadOnly')} /> }}
      />
      <SkuDrawer
        open={drawer.open} productId={product.id} sku={drawer.sku} unit={product.unit} onClose={() => setDrawer({ open: false })}
        onSaved={() => { setDrawer({ open: false }); message.success(t('common.saved')); onChanged(); }}
      />
      <StockModal
        sku={stockSku} unit={product.unit} onClose={() => setStockSku(null)}
        onSaved={(s) => { setStockSku(null); message.success(t('stock.saved', { count: s.stockAvailable, unit: product.unit })); onChanged(); }}
      />
    </Card>
  );
}
