import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, List, Popover, Spin, Typography } from 'antd';
import { useState } from 'react';
import { notificationsApi } from '../../api/accounts';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { useAsync } from '../../shared/useAsync';

/** My messages (licence review results, expiry reminders), newest first. */
export function NotificationBell() {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const state = useAsync(() => notificationsApi.list({ limit: 10 }), []);
  const markRead = async (id: string) => {
    await notificationsApi.markRead(id).catch(() => undefined);
    state.reload();
  };
  const content = (
    <div style={{ width: 320, maxWidth: '80vw' }}>
      {state.loading && !state.data ? <Spin /> : state.error ? (
        <Typography.Text type="danger">{problemText(state.error, t)}</Typography.Text>
      ) : !state.data?.items.length ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} />
      ) : (
        <List
          size="small"
          dataSource={state.data.items}
          renderItem={(n) => (
            <List.Item
              style={{ opacity: n.readAt ? 0.6 : 1 }}
              actions={n.readAt ? [] : [<Button key="read" size="small" type="link" onClick={() => void markRead(n.id)}>{t('notifications.markRead')}</Button>]}
            >
              <List.Item.Meta title={n.title} description={<><div>{n.body}</div><div style={{ fontSize: 12 }}>{formatDateTime(n.createdAt)}</div></>} />
            </List.Item>
          )}
        />
      )}
    </div>
  );
  return (
    <Popover content={content} title={t('notifications.title')} trigger="click" open={open} onOpenChange={(o) => { setOpen(o); if (o) state.reload(); }} placement="bottomRight">
      <Badge count={state.data?.unreadCount ?? 0} size="small">
        <Button type="text" icon={<BellOutlined />} aria-label={t('notifications.title')} />
      </Badge>
    </Popover>
  );
}
