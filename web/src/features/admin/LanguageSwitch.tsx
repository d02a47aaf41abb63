import { Segmented } from 'antd';
import { useI18n, type Lang } from '../../i18n';

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <Segmented<Lang>
      size="small"
      aria-label={t('me.language')}
      value={lang}
      onChange={setLang}
      options={[{ label: '中文', value: 'zh-CN' }, { label: 'EN', value: 'en' }]}
    />
  );
}
