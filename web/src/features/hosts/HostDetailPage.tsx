import { DeleteOutlined, EyeOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, DatePicker, Descriptions, Empty, Form, Input, InputNumber, Popconfirm, Row, Select, Space, Spin, Statistic, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { selectionApi } from '../../api/catalog';
import { PLATFORMS, hostsApi, type HostProfile, type Platform, type ShowcaseItem } from '../../api/hosts';
import { useI18n, type MessageKey } from '../../i18n';
import { formatBp, formatDateTime, formatFen, todayShanghai } from '../../shared/format';
import { PHONE_RE } from '../../shared/format';
import { hasRole, useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';
import { LoadFailed, useFormSubmit, useProblemHandler } from '../admin/adminShared';
import { useCrumbTitle } from '../admin/crumbs';
import { PeriodPicker, periodOf, type PeriodValue } from '../settlement/settlementShared';
import { HostKindTag, VerificationTag } from './hostShared';
import { formatFollowers, formatShare, platformLabel } from './hostLabels';
import { ProfileDrawer } from './ProfileDrawer';
import { useRevealId } from './HostRosterPage';

/** Age in whole years from the birth date inside an 18-character ID number (for showing the guardian fields). */
export function ageFromId(id: string, today = todayShanghai()): number | null {
  const m = /^\d{6}(\d{4})(\d{2})(\d{2})\d{3}[\dXx]$/.exec(id.trim());
  if (!m) return null;
  const [y, mo, d] = today.split('-').map(Number) as [number, number, number];
  const by = Number(m[1]), bm = Number(m[2]), bd = Number(m[3]);
  return y - by - (mo < bm || (mo === bm && d < bd) ? 1 : 0);
}

interface RealNameValues { realName: string; idNumber: string; guardianName?: string; guardianRelation?: string; guardianPhone?: string; consentOn?: dayjs.Dayjs }

function RealNameCard({ host, onChanged }: { host: HostProfile; onChanged: () => void }) {
  const { t } = useI18n();
  const { user } = useSession();
  const { message, modal } = App.useApp();
  const handle = useProblemHandler();
  const reveal = useRevealId();
  const center = hasRole(user, ['center_admin', 'operator']);
  const [editing, setEditing] = useState(host.verification === 'none' || host.verification === 'rejected');
  const [form] = Form.useForm<RealNameValues>();
  const idNumber = Form.useWatch('idNumber', form) ?? '';
  const age = ageFromId(idNumber);
  const minor = age !== null && age >= 16 && age < 18;
  const { busy, submit } = useFormSubmit(form, async (v) => {
    await hostsApi.setRealName(host.hostUserId, {
      realName: v.realName.trim(), idNumber: v.idNumber.trim().toUpperCase(),
      ...(minor ? { guardian: { name: v.guardianName!.trim(), relation: v.guardianRelation!.trim(), phone: v.guardianPhone!.trim(), consentOn: v.consentOn!.format('YYYY-MM-DD') } } : {}),
    });
    message.success(t('hs.rn.saved'));
    setEditing(false);
    onChanged();
  }, { guardian: 'guardianName' });
  const review = async (verdict: 'verify' | 'reject') => {
    let note = '';
    if (verdict === 'reject') {
      const ok = await new Promise<boolean>((resolve) => modal.confirm({
        title: t('hs.rn.rejectTitle'),
        content: <Input.TextArea rows={2} maxLength={200} onChange={(e) => { note = e.target.value; }} placeholder={t('hs.rn.rejectReason')} aria-label={t('hs.rn.rejectReason')} />,
        onOk: () => resolve(true), onCancel: () => resolve(false),
      }));
      if (!ok) return;
    }
    try {
      await hostsApi.reviewRealName(host.hostUserId, verdict, host.updatedAt, note.trim() || undefined);
      message.success(t(verdict === 'verify' ? 'hs.rn.verified' : 'hs.rn.rejected'));
      onChanged();
    } catch (err) {
      handle(err);
    }
  };
  return (
    <Card title={t('hs.rn.title')} size="small" extra={<VerificationTag value={host.verification} />} data-testid="real-name-card">
      {!editing && host.realName ? (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Descriptions size="small" column={1} items={[
            { key: 'n', label: t('hs.realName'), children: host.realName },
            { key: 'id', label: t('hs.rn.idNumber'), children: <Space><span data-testid="detail-id-masked">{host.idNumberMasked}</span>{hasRole(user, ['center_admin']) && <Button size="small" icon={<EyeOutlined />} onClick={() => reveal(host.hostUserId)} data-testid="reveal-id">{t('hs.reveal.button')}</Button>}</Space> },
            { key: 'a', label: t('hs.ageGender'), children: `${host.age ?? '—'} · ${host.gender ? t(`hs.gender.${host.gender}` as MessageKey) : '—'}` },
            ...(host.guardian ? [{ key: 'g', label: t('hs.rn.guardian'), children: `${host.guardian.name}（${host.guardian.relation}） ${host.guardian.phone} · ${t('hs.rn.consentOn')} ${host.guardian.consentOn}` }] : []),
            ...(host.verificationNote ? [{ key: 'note', label: t('hs.rn.note'), children: host.verificationNote }] : []),
            ...(host.verifiedAt ? [{ key: 'at', label: t('hs.rn.verifiedAt'), children: formatDateTime(host.verifiedAt) }] : []),
          ]} />
          {center && (
            <Space wrap>
              {host.verification === 'pending' && <Button type="primary" onClick={() => void review('verify')} data-testid="rn-verify">{t('hs.rn.verify')}</Button>}
              {host.verification === 'pending' && <Button danger onClick={() => void review('reject')}>{t('hs.rn.reject')}</Button>}
              <Button onClick={() => setEditing(true)}>{t('hs.rn.reenter')}</Button>
            </Space>
          )}
        </Space>
      ) : !center && !host.realName ? <Empty description={t('hs.rn.none')} /> : (
        <Form form={form} layout="vertical" onFinish={submit} requiredMark="optional">
          <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('hs.rn.hint')} />
          <Form.Item name="realName" label={t('hs.realName')} rules={[{ required: true, whitespace: true, min: 2, max: 30 }]}><Input maxLength={30} data-testid="rn-name" /></Form.Item>
          <Form.Item name="idNumber" label={t('hs.rn.idNumber')} rules={[{ required: true, pattern: /^\d{17}[\dXx]$/, message: t('fieldCode.id_number_format') }]} extra={age !== null ? t('hs.rn.ageIs', { age }) : undefined}>
            <Input maxLength={18} autoComplete="off" data-testid="rn-id" />
          </Form.Item>
          {age !== null && age < 16 && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={t('problem.host_too_young')} />}
          {minor && (
            <Card size="small" title={t('hs.rn.guardianTitle')} style={{ marginBottom: 12 }}>
              <Form.Item name="guardianName" label={t('hs.rn.guardianName')} rules={[{ required: true, min: 2 }]}><Input maxLength={30} /></Form.Item>
              <Form.Item name="guardianRelation" label={t('hs.rn.guardianRelation')} rules={[{ required: true }]}><Input maxLength={20} placeholder={t('hs.rn.relationPlaceholder')} /></Form.Item>
              <Form.Item name="guardianPhone" label={t('hs.rn.guardianPhone')} rules={[{ required: true, pattern: PHONE_RE, message: t('field.phone.pattern') }]}><Input maxLength={11} inputMode="numeric" /></Form.Item>
              <Form.Item name="consentOn" label={t('hs.rn.consentOn')} rules={[{ required: true }]}><DatePicker disabledDate={(d) => d.isAfter(dayjs(todayShanghai()), 'day')} /></Form.Item>
            </Card>
          )}
          <Space>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="rn-save">{center ? t('hs.rn.saveVerified') : t('hs.rn.submit')}</Button>
            {host.realName && <Button onClick={() => setEditing(false)}>{t('common.cancel')}</Button>}
          </Space>
        </Form>
      )}
    </Card>
  );
}

function AccountsCard({ host, canEdit, onChanged }: { host: HostProfile; canEdit: boolean; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const handle = useProblemHandler();
  const [form] = Form.useForm<{ platform: Platform; handle: string; followers: number }>();
  const { busy, submit } = useFormSubmit(form, async (v) => {
    await hostsApi.putAccount(host.hostUserId, v.platform, { handle: v.handle.trim(), followers: v.followers });
    form.resetFields();
    onChanged();
  });
  const remove = async (p: Platform) => {
    try { await hostsApi.deleteAccount(host.hostUserId, p); onChanged(); } catch (err) { handle(err); }
  };
  return (
    <Card title={t('hs.accounts')} size="small">
      <Table rowKey="platform" size="small" pagination={false} dataSource={host.externalAccounts} locale={{ emptyText: t('hs.noAccounts') }} columns={[
        { title: t('hs.platformLabel'), key: 'p', render: (_, a) => platformLabel(a.platform, t) },
        { title: t('hs.handle'), dataIndex: 'handle' },
        { title: t('hs.followers'), key: 'f', align: 'right', render: (_, a) => formatFollowers(a.followers, lang) },
        { title: t('hs.source'), key: 's', render: (_, a) => <Tag>{t(`hs.source.${a.source}` as MessageKey)}</Tag> },
        ...(canEdit ? [{ title: '', key: 'x', render: (_: unknown, a: HostProfile['externalAccounts'][number]) => <Popconfirm title={t('hs.unlinkConfirm')} onConfirm={() => void remove(a.platform)}><Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('hs.unlink')} /></Popconfirm> }] : []),
      ]} />
      {canEdit && (
        <Form form={form} layout="inline" onFinish={submit} style={{ marginTop: 12, rowGap: 8 }}>
          <Form.Item name="platform" rules={[{ required: true, message: t('hs.platformLabel') }]}><Select placeholder={t('hs.platformLabel')} style={{ width: 130 }} options={PLATFORMS.map((p) => ({ value: p, label: platformLabel(p, t) }))} /></Form.Item>
          <Form.Item name="handle" rules={[{ required: true, whitespace: true, message: t('hs.handle') }]}><Input placeholder={t('hs.handle')} maxLength={60} style={{ width: 160 }} /></Form.Item>
          <Form.Item name="followers" rules={[{ required: true, message: t('hs.followers') }]}><InputNumber min={0} precision={0} placeholder={t('hs.followers')} style={{ width: 130 }} /></Form.Item>
          <Button htmlType="submit" loading={busy}>{t('hs.linkAccount')}</Button>
        </Form>
      )}
    </Card>
  );
}

export function ShowcaseCard({ hostUserId, countyCode, canEdit }: { hostUserId: string; countyCode: string; canEdit: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const handle = useProblemHandler();
  const list = useAsync(() => hostsApi.showcase(hostUserId), [hostUserId]);
  const [q, setQ] = useState('');
  const options = useAsync(() => (canEdit ? selectionApi.list({ countyCode, q: q || undefined, limit: 20 }).then((p) => p.items) : Promise.resolve([])), [countyCode, q, canEdit]);
  const [pick, setPick] = useState<string | undefined>();
  const add = async () => {
    if (!pick) return;
    try {
      const r = await hostsApi.addToShowcase(hostUserId, pick);
      message.success(r.added ? t('hs.showcase.added') : t('hs.showcase.already'));
      setPick(undefined);
      list.reload();
    } catch (err) {
      handle(err);
    }
  };
  const remove = async (productId: string) => {
    try { await hostsApi.removeFromShowcase(hostUserId, productId); list.reload(); } catch (err) { handle(err); }
  };
  return (
    <Card title={t('hs.showcase.title')} size="small" data-testid="showcase-card">
      {canEdit && (
        <Space.Compact style={{ width: '100%', marginBottom: 12 }}>
          <Select showSearch filterOption={false} onSearch={setQ} value={pick} onChange={setPick} placeholder={t('hs.showcase.pick')} style={{ flex: 1 }} loading={options.loading} data-testid="showcase-pick"
            notFoundContent={t('hs.showcase.noneInSelection')}
            options={(options.data ?? []).map((p) => ({ value: p.productId, label: `${p.title} · ${p.supplierName} · ${t('hs.commissionRate')} ${formatBp(p.selection.commissionRateBp)}` }))} />
          <Button type="primary" onClick={() => void add()} disabled={!pick} data-testid="showcase-add">{t('hs.showcase.add')}</Button>
        </Space.Compact>
      )}
      <Table<ShowcaseItem> rowKey="productId" size="small" pagination={false} loading={list.loading && !list.data} dataSource={list.data?.items ?? []}
        locale={{ emptyText: <Empty description={t('hs.showcase.empty')} /> }}
        columns={[
          { title: t('hs.product'), key: 't', render: (_, i) => <Link to={`/admin/products/${i.productId}`}>{i.title}</Link> },
          { title: t('hs.supplier'), dataIndex: 'supplierName', responsive: ['md'] },
          { title: t('hs.price'), key: 'p', align: 'right', render: (_, i) => (i.minPriceFen == null ? '—' : formatFen(i.minPriceFen)) },
          { title: t('hs.commissionRate'), key: 'c', align: 'right', render: (_, i) => (i.commissionRateBp == null ? '—' : formatBp(i.commissionRateBp)) },
          { title: t('common.status'), key: 's', render: (_, i) => (i.sellable ? <Tag color="success">{t('hs.showcase.sellable')}</Tag> : <Tag color="warning">{t('hs.showcase.notSellable')}</Tag>) },
          ...(canEdit ? [{ title: '', key: 'x', render: (_: unknown, i: ShowcaseItem) => <Popconfirm title={t('hs.showcase.removeConfirm')} onConfirm={() => void remove(i.productId)}><Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('hs.showcase.remove')} /></Popconfirm> }] : []),
        ]} />
    </Card>
  );
}

function PerformanceCard({ hostUserId }: { hostUserId: string }) {
  const { t } = useI18n();
  const today = dayjs(todayShanghai());
  const [period, setPeriod] = useState<PeriodValue>([today.subtract(29, 'day'), today]);
  const perf = useAsync(() => hostsApi.hostPerformance(hostUserId, periodOf(period)), [hostUserId, period[0].valueOf(), period[1].valueOf()]);
  const p = perf.data;
  return (
    <Card title={t('hs.perf.title')} size="small" extra={<PeriodPicker value={period} onChange={(v) => v && setPeriod(v)} />}>
      {perf.error ? <Alert type="error" showIcon title={String(perf.error)} /> : !p ? <Spin /> : (
        <Row gutter={[16, 16]}>
          <Col xs={12} md={6}><Statistic title={t('hs.perf.gmv')} value={formatFen(p.gmvFen)} /></Col>
          <Col xs={12} md={6}><Statistic title={t('hs.perf.orders')} value={p.orders} /></Col>
          <Col xs={12} md={6}><Statistic title={p.kind === 'official' ? t('hs.perf.pledged') : t('hs.perf.commission')} value={formatFen(p.kind === 'official' ? p.pledgedFen : p.commissionFen)} /></Col>
          <Col xs={12} md={6}><Statistic title={t('hs.perf.rank')} value={`${p.rank} / ${p.of}`} /></Col>
          <Col xs={12} md={6}><Statistic title={t('hs.perf.sessions')} value={p.sessions} suffix={p.externalSessions ? t('hs.perf.externalSuffix', { n: p.externalSessions }) : undefined} /></Col>
          <Col xs={12} md={6}><Statistic title={t('hs.perf.hours')} value={p.hoursLive} /></Col>
          <Col xs={12} md={6}><Statistic title={t('hs.perf.avgViewers')} value={p.avgViewers ?? '—'} /></Col>
          <Col xs={12} md={6}><Statistic title={t('hs.perf.conversion')} value={formatShare(p.conversion)} /></Col>
          <Col xs={12} md={6}><Statistic title={t('hs.perf.refunds')} value={formatFen(p.refundsFen)} /></Col>
          <Col xs={12} md={6}><Statistic title={t('hs.perf.external')} value={formatFen(p.externalGmvFen)} /></Col>
        </Row>
      )}
    </Card>
  );
}

/** One host: roster entry, real name, linked accounts, showcase and figures. */
export function HostDetailPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { user } = useSession();
  const center = hasRole(user, ['center_admin', 'operator']);
  const host = useAsync(() => hostsApi.get(id), [id]);
  const [editing, setEditing] = useState(false);
  useCrumbTitle(host.data?.displayName);
  if (host.error) return <LoadFailed error={host.error} notFound={t('hs.notFound')} backTo="/admin/hosts" backLabel={t('nav.hostRoster')} onRetry={host.reload} />;
  const h = host.data;
  if (!h) return <Spin />;
  const a = h.availability;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={<Space wrap><Typography.Title level={4} style={{ margin: 0 }} data-testid="host-title">{h.displayName}</Typography.Title><HostKindTag kind={h.kind} /><VerificationTag value={h.verification} /></Space>}
        extra={<Space wrap>
          {h.verification === 'verified' && <a href={`/hosts/${h.hostUserId}`} target="_blank" rel="noreferrer">{t('hs.publicPage')}</a>}
          <Link to={`/admin/host-policies?county=${h.countyCode}`}>{t('nav.hostPolicies')}</Link>
          {center && <Button onClick={() => setEditing(true)}>{t('common.edit')}</Button>}
        </Space>}
      >
        <Descriptions size="small" column={{ xs: 1, md: 2 }} items={[
          { key: 'acc', label: t('hs.account'), children: `${h.accountName} · ${h.phoneMasked}` },
          { key: 'tw', label: t('hs.township'), children: h.townshipName },
          { key: 'bio', label: t('hs.bio'), children: h.bio || '—', span: 2 },
          { key: 'sp', label: t('hs.specialities'), children: h.specialities.length ? h.specialities.map((s) => <Tag key={s}>{s}</Tag>) : '—' },
          { key: 'av', label: t('hs.availability'), children: [a.weekdays.map((d) => t(`hs.weekday.${d}` as MessageKey)).join(' '), a.slots.map((s) => t(`hs.slot.${s}` as MessageKey)).join(' '), a.note].filter(Boolean).join(' · ') || '—' },
          {
            key: 'po', label: t('hs.policy'), span: 2, children: !h.policy ? '—' : h.policy.kind === 'official' && h.policy.pledge
              ? t('hs.pledgeText', { charity: formatBp(h.policy.pledge.charityBp), development: formatBp(h.policy.pledge.developmentBp) })
              : h.policy.isDefault ? t('hs.policyDefault') : h.policy.basis === 'rate' ? t('hs.policyRate', { rate: formatBp(h.policy.rateBp) }) : h.policy.basis === 'fixed' ? t('hs.policyFixed', { fen: formatFen(h.policy.fixedFen) }) : t('hs.policyDefault'),
          },
        ]} />
      </Card>
      {h.kind === 'official' && h.policy?.kind !== 'official' && (
        <Alert type="warning" showIcon data-testid="official-policy-warning" title={t('hs.officialNeedsPledge')}
          action={<Link to={`/admin/host-policies?county=${h.countyCode}`}><Button size="small">{t('nav.hostPolicies')}</Button></Link>} />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}><RealNameCard key={`${h.verification}-${h.updatedAt}`} host={h} onChanged={host.reload} /></Col>
        <Col xs={24} lg={12}><AccountsCard host={h} canEdit={center} onChanged={host.reload} /></Col>
      </Row>
      <ShowcaseCard hostUserId={h.hostUserId} countyCode={h.countyCode} canEdit={center} />
      <PerformanceCard hostUserId={h.hostUserId} />
      {editing && <ProfileDrawer countyCode={h.countyCode} hostUserId={h.hostUserId} name={h.displayName} onClose={() => setEditing(false)} onSaved={() => { setEditing(false); host.reload(); }} />}
    </Space>
  );
}
