import { DeleteOutlined, UploadOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Image, Popconfirm, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import { productsApi } from '../../api/catalog';
import type { ProductDetail } from '../../api/types';
import { useI18n } from '../../i18n';
import { useProblemHandler } from '../admin/adminShared';

const MAX_IMAGES = 9;

/** 图片: up to nine photos; the first is the cover buyers see in the grid. */
export function ImageSection({ product, editable, onChanged }: { product: ProductDetail; editable: boolean; onChanged: (p: ProductDetail) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const handle = useProblemHandler();
  const [uploading, setUploading] = useState(false);
  const [removing, setRemoving] = useState<string | null>(null);

  const upload = async (file: File) => {
    setUploading(true);
    try {
      onChanged(await productsApi.addImage(product.id, file));
      message.success(t('image.uploaded'));
    } catch (err) {
      handle(err);
    } finally {
      setUploading(false);
    }
  };
  const remove = async (fileId: string) => {
    setRemoving(fileId);
    try {
      onChanged(await productsApi.removeImage(product.id, fileId));
    } catch (err) {
      handle(err);
    } finally {
      setRemoving(null);
    }
  };

  return (
    <Card
      title={t('product.images')}
      extra={editable && (
        <Upload accept="image/jpeg,image/png,image/webp" showUploadList={false} multiple={false} disabled={product.images.length >= MAX_IMAGES}
          beforeUpload={(f) => { void upload(f); return false; }}>
          <Button icon={<UploadOutlined />} loading={uploading} disabled={product.images.length >= MAX_IMAGES}>{t('image.upload')}</Button>
        </Upload>
      )}
    >
      {product.images.length === 0 ? (
        <Empty description={editable ? t('image.empty') : t('image.emptyReadOnly')} />
      ) : (
        <Image.PreviewGroup>
          <Space wrap size={12}>
            {product.images.map((img, i) => (
              <div key={img.fileId} style={{ textAlign: 'center' }}>
                <Image src={img.url} width={104} height={104} style={{ objectFit: 'cover', borderRadius: 6 }} alt={t('store.imageN', { n: i + 1 })} />
                <div style={{ marginTop: 4 }}>
                  {i === 0 ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('image.cover')}</Typography.Text> : null}
                  {editable && (
                    <Popconfirm title={t('image.removeConfirm')} onConfirm={() => void remove(img.fileId)} okText={t('common.confirm')} cancelText={t('common.cancel')}>
                      <Button type="link" size="small" danger icon={<DeleteOutlined />} loading={removing === img.fileId} aria-label={t('image.remove')} />
                    </Popconfirm>
                  )}
                </div>
              </div>
            ))}
          </Space>
        </Image.PreviewGroup>
      )}
      {editable && <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0, fontSize: 12 }}>{t('image.hint', { max: MAX_IMAGES })}</Typography.Paragraph>}
    </Card>
  );
}
