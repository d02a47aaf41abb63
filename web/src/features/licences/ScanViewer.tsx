import { Button, Empty, Image, Result, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { licencesApi } from '../../api/suppliers';
import { useI18n } from '../../i18n';
import { problemText } from '../../shared/problems';

/**
 * The scanned licence, fetched with the session (scans are not public). Images open in a
 * zoomable, rotatable preview; a PDF shows in a frame with a link to open it whole.
 */
export function ScanViewer({ licenceId, hasScan, version }: { licenceId: string; hasScan: boolean; version: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<{ url: string; type: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!hasScan) return;
    const ctrl = new AbortController();
    let url: string | null = null;
    setLoading(true);
    setError(null);
    licencesApi.scan(licenceId, ctrl.signal).then((blob) => {
      url = URL.createObjectURL(blob);
      setState({ url, type: blob.type });
    }).catch((err: unknown) => { if (!ctrl.signal.aborted) setError(err); }).finally(() => { if (!ctrl.signal.aborted) setLoading(false); });
    return () => {
      ctrl.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [licenceId, hasScan, version, tick]);

  if (!hasScan) return <Empty description={t('licence.scanMissing')} />;
  if (error) return <Result status="warning" title={problemText(error, t)} extra={<Button onClick={() => setTick((n) => n + 1)}>{t('common.retry')}</Button>} />;
  if (loading || !state) return <div style={{ padding: 48, textAlign: 'center' }}><Spin description={t('licence.scanLoading')} /></div>;
  if (state.type === 'application/pdf') {
    return (
      <div>
        <iframe src={state.url} title={t('licence.scan')} style={{ width: '100%', height: 560, border: '1px solid #f0f0f0' }} />
        <a href={state.url} target="_blank" rel="noreferrer">{t('licence.openPdf')}</a>
      </div>
    );
  }
  return (
    <div data-testid="licence-scan" style={{ background: '#fafafa', border: '1px solid #f0f0f0', borderRadius: 8, padding: 8, textAlign: 'center' }}>
      <Image src={state.url} alt={t('licence.scan')} style={{ maxWidth: '100%', maxHeight: 560, objectFit: 'contain' }} />
      <div style={{ color: '#999', fontSize: 12, marginTop: 4 }}>{t('licence.scanZoomHint')}</div>
    </div>
  );
}
