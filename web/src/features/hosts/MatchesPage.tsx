import { Alert, App, Button, Card, Drawer, Empty, Form, Input, Select, Space, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { productsApi } from '../../api/catalog';
import { hostsApi, type Match, type MatchStatus } from '../../api/hosts';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { hasRole, useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';
import { useDrawerSize, useFormSubmit, useProblemHandler } from '../admin/adminShared';
import { useMyCounties } from '../admin/useCounties';
import { MatchStatusTag } from './hostShared';
import { kindLabel } from './hostLabels';

const TABS: (MatchStatus | 'all')[] = ['pending', 'approved', 'rejected', 'withdrawn', 'all'];

/** A supplier invites a host of the county to carry one of its products (the center then decides). */
function InviteDrawer({ onClose, onSaved }: { onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const width = useDrawerSize(480);
  const [form] = Form.useForm<{ productId: string; hostUserId: string; message?: string }>();
  const products = useAsync(() => productsApi.list({ limit: 100, status: 'on_sale' }).then((p) => p.items), []);
  const productId = Form.useWatch('productId', form);
  const county = (products.data ?? []).find((p) => p.id === productId)?.countyCode;
  const hosts = useAsync(() => (county ? hostsApi.directory(county).then((r) => r.items) : Promise.resolve([])), [county]);
  const { busy, submit } = useFormSubmit(form, async (v) => {
    await hostsApi.createMatch({ kind: 'invite', productId: v.productId, hostUserId: v.hostUserId, ...(v.message ? { message: v.message } : {}) });
    message.success(t('hs.match.invited'));
    onSaved();
  });
  return (
    <Drawer open title={t('hs.match.invite')} size={width} onClose={onClose} destroyOnHidden
      extra={<Space><Button onClick={onClose}>{t('common.cancel')}</Button><Button type="primary" loading={busy} onClick={() => form.submit()}>{t('hs.match.send')}</Button></Space>}>
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="productId" label={t('hs.product')} rules={[{ required: true }]}>
          <Select showSearch optionFilterProp="label" loading={products.loading} options={(products.data ?? []).map((p) => ({ value: p.id, label: p.title }))} />
        </Form.Item>
        <Form.Item name="hostUserId" label={t('hs.host')} rules={[{ required: true }]} extra={t('hs.match.hostHint')}>
          <Select showSearch optionFilterProp="label" disabled={!county} loading={hosts.loading} data-testid="invite-host-pick"
            options={(hosts.data ?? []).map((h) => ({ value: h.hostUserId, label: `${h.displayName} · ${kindLabel(h.kind, t)} · ${h.townshipName}${h.specialities.length ? ` · ${h.specialities.join('、')}` : ''}` }))} />
        </Form.Item>
        <Form.Item name="message" label={t('hs.match.message')}><Input.TextArea rows={3} maxLength={300} showCount /></Form.Item>
      </Form>
    </Drawer>
  );
}

/** 带货撮合: invitations from suppliers and applications from hosts; the center approves into the showcase or rejects with a reason. */
export function MatchesPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const { modal, message } = App.useApp();
  const handle = useProblemHandler();
  const center = hasRole(user, ['center_admin', 'operator']);
  const supplier = hasRole(user, ['supplier']);
  const { counties } = useMyCounties(['center_admin', 'operator', 'official']);
  const [countyCode, setCountyCode] = useState<string | undefined>();
  const [tab, setTab] = useState<MatchStatus | 'all'>('pending');
  const [inviting, setInviting] = useState(false);
  const list = useAsync(() => hostsApi.matches({ status: tab === 'all' ? undefined : tab, countyCode }), [tab, countyCode]);

  const decide = (m: Match, verdict: 'approve' | 'reject') => {
    let note = '';
    modal.confirm({
      title: verdict === 'approve' ? t('hs.match.approveTitle', { host: m.hostName, product: m.productTitle }) : t('hs.match.rejectTitle'),
      content: verdict === 'approve' ? t('hs.match.approveHint') : <Input.TextArea rows={2} maxLength={300} onChange={(e) => { note = e.target.value; }} placeholder={t('hs.match.rejectReason')} aria-label={t('hs.match.rejectReason')} data-testid="reject-reason" />,
      okText: verdict === 'approve' ? t('hs.match.approve') : t('hs.match.reject'),
      okButtonProps: verdict === 'reject' ? { danger: true } : {},
      onOk: async () => {
        try {
          await hostsApi.decideMatch(m.id, verdict, note.trim() || undefined);
          message.success(verdict === 'approve' ? t('hs.match.approved') : t('hs.match.rejected'));
          list.reload();
        } catch (err) {
          handle(err);
        }
      },
    });
  };
  const withdraw = async (m: Match) => {
    try { await hostsApi.withdrawMatch(m.id); list.reload(); } catch (err) { handle(err); }
  };

  const columns: TableColumnsType<Match> = [
    { title: t('hs.match.kind'), key: 'kind', render: (_, m) => <Tag color={m.kind === 'invite' ? 'gold' : 'blue'}>{t(m.kind === 'invite' ? 'hs.match.kind.invite' : 'hs.match.kind.apply')}</Tag> },
    { title: t('hs.host'), dataIndex: 'hostName' },
    { title: t('hs.product'), key: 'p', render: (_, m) => <span>{m.productTitle}<div style={{ fontSize: 12, color: '#999' }}>{m.supplierName}</div></span> },
    { title: t('hs.match.message'), dataIndex: 'message', responsive: ['lg'], render: (v: string) => v || '—' },
    { title: t('common.status'), key: 's', render: (_, m) => <Space orientation="vertical" size={0}><MatchStatusTag status={m.status} />{m.decisionNote && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{m.decisionNote}</Typography.Text>}</Space> },
    { title: t('common.createdAt'), key: 'c', responsive: ['md'], render: (_, m) => formatDateTime(m.createdAt) },
    {
      title: t('common.actions'), key: 'act', render: (_, m) => m.status !== 'pending' ? null : (
        <Space wrap>
          {center && <Button size="small" type="primary" onClick={() => decide(m, 'approve')} data-testid="match-approve">{t('hs.match.approve')}</Button>}
          {center && <Button size="small" danger onClick={() => decide(m, 'reject')} data-testid="match-reject">{t('hs.match.reject')}</Button>}
          {m.createdBy === user?.id && <Button size="small" onClick={() => void withdraw(m)}>{t('hs.match.withdraw')}</Button>}
        </Space>
      ),
    },
  ];

  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('nav.hostMatches')}</Typography.Title>}
      extra={<Space>
        {counties.length > 1 && <Select allowClear placeholder={t('fo.county')} value={countyCode} onChange={setCountyCode} style={{ width: 180 }} options={counties.map((c) => ({ value: c.countyCode, label: c.name }))} />}
        {supplier && <Button type="primary" onClick={() => setInviting(true)} data-testid="invite-host">{t('hs.match.invite')}</Button>}
      </Space>}>
      <Typography.Paragraph type="secondary">{t('hs.match.intro')}</Typography.Paragraph>
      <Tabs activeKey={tab} onChange={(k) => setTab(k as MatchStatus | 'all')} items={TABS.map((k) => ({ key: k, label: k === 'all' ? t('hs.all') : t(`hs.matchStatus.${k}` as never) }))} />
      {list.error ? <Alert type="error" showIcon title={problemText(list.error, t)} action={<Button size="small" onClick={list.reload}>{t('common.retry')}</Button>} /> : null}
      <Table<Match> rowKey="id" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading && !list.data} size="middle" scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }} locale={{ emptyText: <Empty description={t(tab === 'pending' ? 'hs.match.emptyPending' : 'hs.match.empty')} /> }} />
      {inviting && <InviteDrawer onClose={() => setInviting(false)} onSaved={() => { setInviting(false); list.reload(); }} />}
    </Card>
  );
}
