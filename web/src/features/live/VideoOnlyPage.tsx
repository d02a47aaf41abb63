import { Link, useParams } from 'react-router-dom';
import { useI18n } from '../../i18n';
import { VideoPlayer } from './VideoPlayer';

/**
 * Just the session's video, full width (/live/:sessionId/video): the host's check that the
 * picture arrives, and a light page for a viewer on a weak phone. The room page embeds the
 * same VideoPlayer with the product card, comments and buying around it.
 */
export function VideoOnlyPage() {
  const { sessionId = '' } = useParams();
  const { t } = useI18n();
  return (
    <div style={{ background: '#000', minHeight: '100vh', display: 'flex', flexDirection: 'column' }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, padding: '10px 14px', color: '#fff' }}>
        <Link to="/live" style={{ color: '#fff', textDecoration: 'none', fontSize: 20 }} aria-label={t('liveVideo.back')}>‹</Link>
        <span>{t('liveVideo.label')}</span>
      </div>
      <VideoPlayer sessionId={sessionId} style={{ flex: 1, maxHeight: 'calc(100vh - 48px)' }} />
    </div>
  );
}
