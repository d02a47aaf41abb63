import { Image, Skeleton, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { aftersalesApi } from '../../api/aftersales';
import { useI18n } from '../../i18n';

/** The buyer's photos, fetched with the session (they are not public), previewable as a group. */
export function CasePhotos({ caseId, photos }: { caseId: string; photos: string[] }) {
  const { t } = useI18n();
  const [urls, setUrls] = useState<Record<string, string | 'error'>>({});
  useEffect(() => {
    const ctrl = new AbortController();
    const made: string[] = [];
    setUrls({});
    for (const photoUrl of photos) {
      aftersalesApi.photo(photoUrl, ctrl.signal).then((blob) => {
        const url = URL.createObjectURL(blob);
        made.push(url);
        setUrls((u) => ({ ...u, [photoUrl]: url }));
      }).catch(() => { if (!ctrl.signal.aborted) setUrls((u) => ({ ...u, [photoUrl]: 'error' })); });
    }
    return () => { ctrl.abort(); made.forEach((u) => URL.revokeObjectURL(u)); };
  }, [caseId, photos]);
  if (!photos.length) return <Typography.Text type="secondary">{t('as.noPhotos')}</Typography.Text>;
  return (
    <Image.PreviewGroup>
      <Space wrap data-testid="case-photos">
        {photos.map((f) => {
          const u = urls[f];
          if (!u) return <Skeleton.Image key={f} active style={{ width: 96, height: 96 }} />;
          if (u === 'error') return <div key={f} style={{ width: 96, height: 96, background: '#fafafa', border: '1px dashed #d9d9d9', display: 'flex', alignItems: 'center', justifyContent: 'center', fontSize: 12, color: '#999' }}>{t('as.photoFailed')}</div>;
          return <Image key={f} src={u} width={96} height={96} style={{ objectFit: 'cover', borderRadius: 4 }} alt={t('as.photo')} />;
        })}
      </Space>
    </Image.PreviewGroup>
  );
}
