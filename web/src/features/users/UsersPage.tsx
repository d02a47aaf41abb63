import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Input, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { usersApi } from '../../api/accounts';
import { ROLES, type Role, type RoleGrant, type UserSummary } from '../../api/types';
import { useI18n } from '../../i18n';
import { formatDateTime, PHONE_RE } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { useSession } from '../../shared/session';
import { useCursorList } from '../../shared/useAsync';
import { LoadMore, useProblemHandler } from '../admin/adminShared';
import { CreateUserDrawer } from './CreateUserDrawer';
import { GrantRoleModal } from './GrantRoleModal';

/** 用户与角色: staff of my counties, or anyone by exact phone; create accounts, grant and revoke roles. */
export function UsersPage() {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const { user: me } = useSession();
  const handle = useProblemHandler();
  const [phone, setPhone] = useState<string | undefined>();
  const [phoneInput, setPhoneInput] = useState('');
  const [phoneError, setPhoneError] = useState<string | null>(null);
  const [role, setRole] = useState<Role | undefined>();
  const [creating, setCreating] = useState(false);
  const [granting, setGranting] = useState<{ id: string; name: string } | null>(null);
  const list = useCursorList((cursor) => usersApi.list({ phone, role: phone ? undefined : role, cursor, limit: 20 }), [phone, role]);

  const search = (v: string) => {
    const value = v.trim();
    if (value && !PHONE_RE.test(value)) { setPhoneError(t('field.phone.pattern')); return; }
    setPhoneError(null);
    setPhone(value || undefined);
  };

  const revoke = (u: UserSummary, g: RoleGrant) => {
    modal.confirm({
      title: t('users.revokeTitle', { role: t(`role.${g.role}`), name: u.name }),
      content: t('users.revokeHint'),
      okText: t('users.revoke'), okButtonProps: { danger: true }, cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await usersApi.revokeRole(u.id, g.id);
          message.success(t('users.revoked'));
          list.reload();
        } catch (err) {
          handle(err);
        }
      },
    });
  };
  const unlock = async (u: UserSummary) => {
    try {
      await usersApi.unlock(u.id);
      message.success(t('users.unlocked'));
      list.reload();
    } catch (err) {
      handle(err);
    }
  };

  const columns: TableColumnsType<UserSummary> = [
    { title: t('auth.name'), dataIndex: 'name' },
    { title: t('auth.phone'), dataIndex: 'phoneMasked' },
    {
      title: t('users.roles'), dataIndex: 'roles',
      render: (roles: RoleGrant[], u) => (
        <Space size={[4, 4]} wrap>
          {roles.map((g) => {
            const own = u.id === me?.id && g.role === 'center_admin';
            return (
              <Tag key={g.id} color={g.role === 'buyer' ? undefined : 'blue'} closable={g.role !== 'buyer' && !own}
                onClose={(e) => { e.preventDefault(); revoke(u, g); }}>
                {t(`role.${g.role}`)}{g.regionPrefix ? ` · ${g.regionName}` : ''}
              </Tag>
            );
          })}
        </Space>
      ),
    },
    { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v), responsive: ['lg'] },
    {
      title: t('common.actions'), key: 'actions',
      render: (_, u) => (
        <Space wrap size={0}>
          <Button type="link" size="small" onClick={() => setGranting({ id: u.id, name: u.name })}>{t('users.grant')}</Button>
          {u.lockedUntil && u.lockedUntil > new Date().toISOString() && <Button type="link" size="small" onClick={() => void unlock(u)}>{t('users.unlock')}</Button>}
        </Space>
      ),
    },
  ];

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('nav.users')}</Typography.Title>}
      extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('users.create')}</Button>}
    >
      <Space wrap style={{ marginBottom: 16 }} align="start">
        <div>
          <Input.Search allowClear placeholder={t('users.findByPhone')} aria-label={t('users.findByPhone')} inputMode="numeric" maxLength={11}
            value={phoneInput} onChange={(e) => setPhoneInput(e.target.value)} onSearch={search} style={{ width: 240 }} status={phoneError ? 'error' : ''} />
          {phoneError && <div><Typography.Text type="danger" style={{ fontSize: 12 }}>{phoneError}</Typography.Text></div>}
        </div>
        <Select allowClear placeholder={t('users.role')} aria-label={t('users.role')} style={{ width: 150 }} value={role} onChange={setRole} disabled={!!phone}
          options={ROLES.filter((r) => r !== 'buyer').map((r) => ({ value: r, label: t(`role.${r}`) }))} />
      </Space>
      {list.error ? <Typography.Paragraph type="danger">{problemText(list.error, t)}</Typography.Paragraph> : null}
      <Table<UserSummary>
        rowKey="id" columns={columns} dataSource={list.items} pagination={false} scroll={{ x: 'max-content' }}
        loading={list.loading && list.items.length === 0}
        locale={{ emptyText: <Empty description={phone ? t('users.noneWithPhone') : t('users.empty')} /> }}
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onMore={list.loadMore} count={list.items.length} />
      <CreateUserDrawer
        open={creating} onClose={() => setCreating(false)}
        onCreated={(u) => {
          setCreating(false);
          message.success(t('users.created', { name: u.name }));
          setPhoneInput(u.phone);
          setPhone(u.phone);
          setGranting({ id: u.id, name: u.name });
        }}
      />
      <GrantRoleModal user={granting} onClose={() => setGranting(null)} onDone={() => { setGranting(null); message.success(t('users.granted')); list.reload(); }} />
    </Card>
  );
}
