import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Input, InputNumber, Modal, Select, Space, Table, Tag, Tooltip, Typography, Upload, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { HOST_KINDS, hostsApi, type HostKind, type RosterRow, type Verification } from '../../api/hosts';
import { hasKey, useI18n } from '../../i18n';
import { formatBp, formatDateTime } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { hasRole, useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';
import { useProblemHandler } from '../admin/adminShared';
import { useCountyParam } from '../settlement/settlementShared';
import { HostKindTag, VerificationTag } from './hostShared';
import { formatFollowers, kindLabel, platformLabel, verificationLabel } from './hostLabels';
import { ProfileDrawer } from './ProfileDrawer';

const VERIFICATIONS: Verification[] = ['none', 'pending', 'verified', 'rejected'];

/** The county's commission cap: read by all, set by the center admin (policies above it must be lowered first). */
function CapSetting({ countyCode }: { countyCode: string }) {
  const { t } = useI18n();
  const { user } = useSession();
  const { message } = App.useApp();
  const handle = useProblemHandler();
  const s = useAsync(() => hostsApi.settings(countyCode), [countyCode]);
  const [editing, setEditing] = useState<number | null>(null);
  const canEdit = hasRole(user, ['center_admin']);
  if (!s.data) return null;
  const save = async () => {
    if (editing == null) return;
    try {
      await hostsApi.putSettings(countyCode, Math.round(editing * 100));
      message.success(t('common.saved'));
      setEditing(null);
      s.reload();
    } catch (err) {
      handle(err);
    }
  };
  return (
    <Space wrap data-testid="commission-cap">
      <Typography.Text type="secondary">{t('hs.cap')}</Typography.Text>
      {editing === null ? (
        <>
          <Tag color="orange">{formatBp(s.data.maxCommissionBp)}</Tag>
          {canEdit && <Button size="small" onClick={() => setEditing(s.data!.maxCommissionBp / 100)}>{t('common.edit')}</Button>}
        </>
      ) : (
        <>
          <InputNumber min={0} max={50} step={0.5} value={editing} onChange={(v) => setEditing(v ?? 0)} addonAfter="%" style={{ width: 130 }} aria-label={t('hs.cap')} />
          <Button size="small" type="primary" onClick={() => void save()}>{t('common.save')}</Button>
          <Button size="small" onClick={() => setEditing(null)}>{t('common.cancel')}</Button>
        </>
      )}
      <Tooltip title={t('hs.capHint')}><Typography.Text type="secondary" style={{ cursor: 'help' }}>ⓘ</Typography.Text></Tooltip>
    </Space>
  );
}

/** Linked accounts from a spreadsheet: 手机号 / 平台 / 账号 / 粉丝数, with the rows that could not be used. */
function ImportAccounts({ countyCode, onDone }: { countyCode: string; onDone: () => void }) {
  const { t } = useI18n();
  const { modal } = App.useApp();
  const handle = useProblemHandler();
  const [busy, setBusy] = useState(false);
  const upload = async (file: File) => {
    setBusy(true);
    try {
      const r = await hostsApi.importAccounts(countyCode, file);
      modal.info({
        title: t('hs.import.done', { applied: r.applied, errors: r.errors.length }),
        width: 560,
        content: r.errors.length ? (
          <ul style={{ paddingLeft: 18, maxHeight: 300, overflow: 'auto' }} data-testid="import-errors">
            {r.errors.map((e) => { const k = `hs.import.err.${e.code}`; return <li key={e.row}>{t('hs.import.row', { row: e.row })}：{hasKey(k) ? t(k) : e.detail}</li>; })}
          </ul>
        ) : null,
      });
      onDone();
    } catch (err) {
      handle(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Upload accept=".xlsx,.csv" showUploadList={false} beforeUpload={(f) => { void upload(f); return false; }}>
      <Tooltip title={t('hs.import.hint')}><Button icon={<UploadOutlined />} loading={busy} data-testid="import-accounts">{t('hs.import.button')}</Button></Tooltip>
    </Upload>
  );
}

/** 主播矩阵: every host of the county, with or without a roster entry, filters, and the way to add or edit one. */
export function HostRosterPage() {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const canWrite = hasRole(user, ['center_admin', 'operator']);
  const { countyCode, loading: countiesLoading, picker } = useCountyParam(['center_admin', 'operator', 'official']);
  const [kind, setKind] = useState<HostKind | undefined>();
  const [verification, setVerification] = useState<Verification | undefined>();
  const [q, setQ] = useState('');
  const roster = useAsync(() => (countyCode ? hostsApi.roster({ countyCode, kind, verification, q: q || undefined }) : Promise.resolve({ countyCode: '', items: [] as RosterRow[] })), [countyCode, kind, verification, q]);
  const [editing, setEditing] = useState<RosterRow | null>(null);

  const columns: TableColumnsType<RosterRow> = [
    {
      title: t('hs.host'), key: 'host', fixed: 'left', render: (_, h) => (
        <span data-testid="roster-host">
          {h.onRoster ? <Link to={`/admin/hosts/${h.hostUserId}${countyCode ? `?county=${countyCode}` : ''}`}><Typography.Text strong>{h.displayName}</Typography.Text></Link> : <Typography.Text strong>{h.displayName}</Typography.Text>}
          <div style={{ fontSize: 12, color: '#999' }}>{h.accountName !== h.displayName ? `${h.accountName} · ` : ''}{h.phoneMasked}</div>
        </span>
      ),
    },
    { title: t('hs.kindLabel'), key: 'kind', render: (_, h) => <HostKindTag kind={h.kind} /> },
    { title: t('hs.township'), key: 'township', responsive: ['md'], render: (_, h) => h.townshipName ?? '—' },
    {
      title: t('hs.realName'), key: 'rn', render: (_, h) => (
        <Space orientation="vertical" size={0}>
          <VerificationTag value={h.verification} />
          {h.realName && <span>{h.realName} <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="id-masked">{h.idNumberMasked}</Typography.Text></span>}
        </Space>
      ),
    },
    { title: t('hs.ageGender'), key: 'age', responsive: ['lg'], render: (_, h) => (h.age != null ? `${h.age} · ${h.gender ? t(`hs.gender.${h.gender}` as never) : ''}` : '—') },
    {
      title: t('hs.followers'), key: 'followers', align: 'right', sorter: (a, b) => a.followers - b.followers, render: (_, h) => (
        <Tooltip title={h.externalAccounts.map((a) => `${platformLabel(a.platform, t)} @${a.handle} ${a.followers}`).join('\n') || t('hs.noAccounts')}>
          <span>{formatFollowers(h.followers, lang)}</span>
        </Tooltip>
      ),
    },
    { title: t('hs.specialities'), key: 'spec', responsive: ['xl'], render: (_, h) => h.specialities.map((s) => <Tag key={s}>{s}</Tag>) },
    { title: t('hs.showcaseCount'), key: 'sc', align: 'right', responsive: ['md'], render: (_, h) => h.showcaseCount },
    { title: t('common.updatedAt'), key: 'upd', responsive: ['xl'], render: (_, h) => (h.updatedAt ? formatDateTime(h.updatedAt) : '—') },
  ];
  if (canWrite) {
    columns.push({
      title: t('common.actions'), key: 'act', fixed: 'right', render: (_, h) => (
        <Button size="small" type={h.onRoster ? 'default' : 'primary'} onClick={() => setEditing(h)} data-testid="edit-host">{h.onRoster ? t('common.edit') : t('hs.addToRoster')}</Button>
      ),
    });
  }

  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('nav.hostRoster')}</Typography.Title>} extra={picker}>
      {!countyCode && !countiesLoading ? <Empty description={t('lg.noCounty')} /> : (
        <>
          <Space wrap style={{ marginBottom: 12, width: '100%', justifyContent: 'space-between' }}>
            <Space wrap>
              <Select allowClear placeholder={t('hs.kindLabel')} value={kind} onChange={setKind} style={{ width: 140 }} options={HOST_KINDS.map((k) => ({ value: k, label: kindLabel(k, t) }))} aria-label={t('hs.kindLabel')} />
              <Select allowClear placeholder={t('hs.realName')} value={verification} onChange={setVerification} style={{ width: 140 }} options={VERIFICATIONS.map((v) => ({ value: v, label: verificationLabel(v, t) }))} aria-label={t('hs.realName')} />
              <Input.Search allowClear placeholder={t('hs.searchPlaceholder')} onSearch={setQ} style={{ width: 220 }} />
            </Space>
            <Space wrap>
              {countyCode && <CapSetting countyCode={countyCode} />}
              {canWrite && countyCode && <ImportAccounts countyCode={countyCode} onDone={roster.reload} />}
              {canWrite && <a href="data:text/csv;charset=utf-8,%EF%BB%BF%E6%89%8B%E6%9C%BA%E5%8F%B7,%E5%B9%B3%E5%8F%B0,%E8%B4%A6%E5%8F%B7,%E7%B2%89%E4%B8%9D%E6%95%B0%0A" download="主播账号导入模板.csv"><Button type="link" icon={<DownloadOutlined />}>{t('hs.import.template')}</Button></a>}
            </Space>
          </Space>
          {roster.error ? <Alert type="error" showIcon style={{ marginBottom: 12 }} title={problemText(roster.error, t)} action={<Button size="small" onClick={roster.reload}>{t('common.retry')}</Button>} /> : null}
          <Table<RosterRow>
            rowKey="hostUserId" columns={columns} dataSource={roster.data?.items ?? []} pagination={{ pageSize: 20, hideOnSinglePage: true }} scroll={{ x: 'max-content' }} size="middle"
            loading={roster.loading && !roster.data}
            locale={{ emptyText: <Empty description={t('hs.emptyRoster')} /> }}
          />
        </>
      )}
      {countyCode && editing && (
        <ProfileDrawer countyCode={countyCode} hostUserId={editing.hostUserId} name={editing.displayName} onRoster={editing.onRoster} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); roster.reload(); }} />
      )}
    </Card>
  );
}

/** Reveal the full ID number (center admin): asks for the reason, which goes into the audit log. */
export function useRevealId() {
  const { t } = useI18n();
  const { modal, message } = App.useApp();
  const handle = useProblemHandler();
  return (hostUserId: string) => {
    let reason = '';
    modal.confirm({
      title: t('hs.reveal.title'),
      content: (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text type="secondary">{t('hs.reveal.hint')}</Typography.Text>
          <Input.TextArea rows={2} maxLength={200} onChange={(e) => { reason = e.target.value; }} placeholder={t('hs.reveal.reason')} aria-label={t('hs.reveal.reason')} data-testid="reveal-reason" />
        </Space>
      ),
      okText: t('hs.reveal.ok'),
      onOk: async () => {
        if (reason.trim().length < 2) {
          message.warning(t('hs.reveal.reason'));
          return Promise.reject(new Error('reason required'));
        }
        try {
          const r = await hostsApi.revealId(hostUserId, reason.trim());
          Modal.info({ title: r.realName, content: <Typography.Text copyable strong data-testid="revealed-id">{r.idNumber}</Typography.Text> });
        } catch (err) {
          handle(err);
        }
      },
    });
  };
}
