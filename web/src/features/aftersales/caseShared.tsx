import { Tag } from 'antd';
import type { CaseStatus } from '../../api/aftersales';
import { useI18n, type MessageKey } from '../../i18n';

const COLOURS: Record<CaseStatus, string> = {
  requested: 'orange', awaiting_return: 'processing', return_shipped: 'blue', rejected: 'red', escalated: 'magenta', refunded: 'success', closed: 'default', withdrawn: 'default',
};

export function CaseStatusTag({ status }: { status: CaseStatus }) {
  const { t } = useI18n();
  return <Tag color={COLOURS[status]}>{t(`as.status.${status}` as MessageKey)}</Tag>;
}
