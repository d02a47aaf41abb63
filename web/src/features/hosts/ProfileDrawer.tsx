import { Alert, App, Button, Checkbox, Drawer, Form, Input, Select, Space, Spin } from 'antd';
import { useEffect } from 'react';
import { regionsApi } from '../../api/accounts';
import { isProblem } from '../../api/client';
import { HOST_KINDS, hostsApi, type HostKind, type Slot } from '../../api/hosts';
import { useI18n, type MessageKey } from '../../i18n';
import { useAsync } from '../../shared/useAsync';
import { useDrawerSize, useFormSubmit } from '../admin/adminShared';
import { SLOTS, WEEKDAYS, kindLabel } from './hostLabels';

interface Values {
  kind: HostKind;
  townshipCode: string;
  displayName: string;
  bio: string;
  specialities: string[];
  weekdays: number[];
  slots: Slot[];
  note: string;
}

/** Townships of a county for a picker. */
export function useTownships(countyCode: string | undefined) {
  const s = useAsync(() => (countyCode ? regionsApi.children(countyCode).then((r) => r.items) : Promise.resolve([])), [countyCode]);
  return (s.data ?? []).map((r) => ({ value: r.code, label: r.name }));
}

/** 建档 / 编辑主播: kind, township, the name shown, bio, what they sell best, when they can go live. */
export function ProfileDrawer({ countyCode, hostUserId, name, onRoster = true, onClose, onSaved }: { countyCode: string; hostUserId: string; name: string; onRoster?: boolean; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const width = useDrawerSize(560);
  const townships = useTownships(countyCode);
  // A host not on the roster yet has no profile to load.
  const existing = useAsync(() => (onRoster ? hostsApi.get(hostUserId).catch((err) => { if (isProblem(err) && err.status === 404) return null; throw err; }) : Promise.resolve(null)), [hostUserId, onRoster]);
  useEffect(() => {
    if (existing.loading) return;
    const p = existing.data;
    form.setFieldsValue({
      kind: p?.kind ?? 'local', townshipCode: p?.townshipCode, displayName: p?.displayName ?? name, bio: p?.bio ?? '', specialities: p?.specialities ?? [],
      weekdays: p?.availability.weekdays ?? [], slots: p?.availability.slots ?? [], note: p?.availability.note ?? '',
    });
  }, [existing.loading, existing.data, form, name]);
  const { busy, submit } = useFormSubmit(form, async (v) => {
    await hostsApi.putProfile(hostUserId, {
      countyCode, kind: v.kind, townshipCode: v.townshipCode, displayName: v.displayName.trim(), bio: v.bio ?? '',
      specialities: v.specialities ?? [], availability: { weekdays: v.weekdays ?? [], slots: v.slots ?? [], note: v.note ?? '' },
    });
    message.success(t('hs.profileSaved', { name: v.displayName }));
    onSaved();
  });
  return (
    <Drawer open title={existing.data ? t('hs.editProfile', { name }) : t('hs.addProfile', { name })} size={width} onClose={onClose} destroyOnHidden
      extra={<Space><Button onClick={onClose}>{t('common.cancel')}</Button><Button type="primary" loading={busy} onClick={() => form.submit()} data-testid="save-profile">{t('common.save')}</Button></Space>}>
      {existing.loading ? <Spin /> : (
        <Form form={form} layout="vertical" onFinish={submit} requiredMark="optional">
          {existing.error ? <Alert type="error" showIcon title={String(existing.error)} style={{ marginBottom: 12 }} /> : null}
          <Form.Item name="kind" label={t('hs.kindLabel')} rules={[{ required: true }]} extra={t('hs.kindHint')}>
            <Select options={HOST_KINDS.map((k) => ({ value: k, label: kindLabel(k, t) }))} data-testid="profile-kind" />
          </Form.Item>
          <Form.Item name="townshipCode" label={t('hs.township')} rules={[{ required: true, message: t('hs.townshipRequired') }]}>
            <Select showSearch optionFilterProp="label" options={townships} placeholder={t('hs.townshipPick')} data-testid="profile-township" />
          </Form.Item>
          <Form.Item name="displayName" label={t('hs.displayName')} rules={[{ required: true, whitespace: true, max: 30 }]}>
            <Input maxLength={30} data-testid="profile-name" />
          </Form.Item>
          <Form.Item name="bio" label={t('hs.bio')}><Input.TextArea rows={3} maxLength={500} showCount /></Form.Item>
          <Form.Item name="specialities" label={t('hs.specialities')} extra={t('hs.specialitiesHint')}>
            <Select mode="tags" maxCount={12} tokenSeparators={[',', '，', ' ']} open={false} />
          </Form.Item>
          <Form.Item name="weekdays" label={t('hs.availability')}>
            <Checkbox.Group options={WEEKDAYS.map((d) => ({ value: d, label: t(`hs.weekday.${d}` as MessageKey) }))} />
          </Form.Item>
          <Form.Item name="slots" style={{ marginTop: -12 }}>
            <Checkbox.Group options={SLOTS.map((s) => ({ value: s, label: t(`hs.slot.${s}` as MessageKey) }))} />
          </Form.Item>
          <Form.Item name="note" label={t('hs.availabilityNote')}><Input maxLength={200} /></Form.Item>
        </Form>
      )}
    </Drawer>
  );
}
