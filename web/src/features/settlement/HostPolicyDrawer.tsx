import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Drawer, Form, Input, InputNumber, Radio, Select, Space, Typography, type FormInstance } from 'antd';
import { useEffect, useState } from 'react';
import { ProblemError } from '../../api/client';
import { categoriesApi, productsApi } from '../../api/catalog';
import { settlementApi, type HostPolicy, type HostPolicyInput } from '../../api/settlement';
import { useI18n, type Translate } from '../../i18n';
import { fenToYuan, yuanToFen } from '../../shared/format';
import { fieldText } from '../../shared/problems';
import { useAsync } from '../../shared/useAsync';
import { useDrawerSize, useProblemHandler } from '../admin/adminShared';
import type { HostRow } from './useHosts';

interface OverrideValues {
  scope: 'product' | 'category';
  target?: string;
  basis: 'rate' | 'fixed';
  ratePct?: number | null;
  fixedYuan?: number | null;
}

interface Values {
  kind: 'regular' | 'official';
  basis: 'selection' | 'rate' | 'fixed';
  ratePct?: number | null;
  fixedYuan?: number | null;
  charityPct?: number | null;
  payeeName?: string;
  payeeBank?: string;
  payeeAccount?: string;
  overrides: OverrideValues[];
}

const pctToBp = (v: number | null | undefined) => (v == null ? undefined : Math.round(v * 100));

function toValues(p: HostPolicy | null): Values {
  return {
    kind: p?.kind ?? 'regular',
    basis: p?.basis ?? 'selection',
    ratePct: p && p.basis === 'rate' ? p.rateBp / 100 : null,
    fixedYuan: p && p.basis === 'fixed' ? fenToYuan(p.fixedFen) : null,
    charityPct: p?.pledge ? p.pledge.charityBp / 100 : 50,
    payeeName: p?.payee?.name ?? '',
    payeeBank: p?.payee?.bank ?? '',
    payeeAccount: '',
    overrides: (p?.overrides ?? []).map((o) => ({ scope: o.scope, target: o.target, basis: o.basis, ratePct: o.basis === 'rate' ? o.rateBp / 100 : null, fixedYuan: o.basis === 'fixed' ? fenToYuan(o.fixedFen) : null })),
  };
}

function toInput(v: Values, keepPayee: boolean): HostPolicyInput {
  const official = v.kind === 'official';
  const charityBp = official ? pctToBp(v.charityPct ?? 0) : undefined;
  const account = v.payeeAccount?.trim();
  return {
    kind: v.kind,
    basis: v.basis,
    rateBp: v.basis === 'rate' ? pctToBp(v.ratePct) : undefined,
    fixedFen: v.basis === 'fixed' && v.fixedYuan != null ? yuanToFen(v.fixedYuan) : undefined,
    charityBp,
    developmentBp: charityBp === undefined ? undefined : 10000 - charityBp,
    // Without a new account number the payee stays as it was (the API never gives the full number back).
    ...(account ? { payee: { name: v.payeeName?.trim() ?? '', bank: v.payeeBank?.trim() ?? '', account } } : keepPayee ? {} : { payee: null }),
    overrides: (v.overrides ?? []).map((o) => ({
      scope: o.scope, target: o.target ?? '', basis: o.basis,
      rateBp: o.basis === 'rate' ? pctToBp(o.ratePct) : undefined,
      fixedFen: o.basis === 'fixed' && o.fixedYuan != null ? yuanToFen(o.fixedYuan) : undefined,
    })),
  };
}

const FIELD_ALIASES: Record<string, string> = { rateBp: 'ratePct', fixedFen: 'fixedYuan', charityBp: 'charityPct', developmentBp: 'charityPct', name: 'payeeName', bank: 'payeeBank', account: 'payeeAccount' };

/** Puts the server's field errors beside their fields, nested ones (overrides, payee) included; returns the rest. */
function placeErrors(form: FormInstance<Values>, err: unknown, t: Translate): string[] | null {
  if (!(err instanceof ProblemError) || !err.errors.length) return null;
  const rest: string[] = [];
  const fields: { name: (string | number)[]; errors: string[] }[] = [];
  for (const e of err.errors) {
    const parts = e.pointer.replace(/^\/body\/?/, '').split('/').filter(Boolean);
    const leaf = parts[parts.length - 1] ?? '';
    const text = fieldText(leaf, e, err.code, t);
    if (parts[0] === 'overrides' && parts.length >= 3) fields.push({ name: ['overrides', Number(parts[1]), FIELD_ALIASES[leaf] ?? leaf], errors: [text] });
    else if (parts[0] === 'payee' && parts[1]) fields.push({ name: [FIELD_ALIASES[parts[1]] ?? parts[1]], errors: [text] });
    else if (parts.length === 1 && (FIELD_ALIASES[leaf] || ['kind', 'basis'].includes(leaf))) fields.push({ name: [FIELD_ALIASES[leaf] ?? leaf], errors: [text] });
    else rest.push(text);
  }
  form.setFields(fields as Parameters<typeof form.setFields>[0]);
  if (fields[0]) form.scrollToField(fields[0].name as Parameters<typeof form.scrollToField>[0]);
  return rest;
}

/** Edit one host's policy: regular (a rule) or official (earns nothing; pledge split), overrides, payee. */
export function HostPolicyDrawer({ countyCode, host, onClose, onSaved }: { countyCode: string; host: HostRow | null; onClose: () => void; onSaved: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const size = useDrawerSize(640);
  const handle = useProblemHandler();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [otherErrors, setOtherErrors] = useState<string[]>([]);
  const kind = Form.useWatch('kind', form);
  const basis = Form.useWatch('basis', form);
  const charity = Form.useWatch('charityPct', form);
  const categories = useAsync(() => categoriesApi.list().then((r) => r.items), []);
  const products = useAsync(() => (host ? productsApi.list({ countyCode, limit: 100 }).then((r) => r.items) : Promise.resolve([])), [countyCode, !!host]);

  useEffect(() => {
    if (host) {
      form.resetFields();
      form.setFieldsValue(toValues(host.policy));
      setOtherErrors([]);
    }
  }, [host, form]);

  const submit = async (v: Values) => {
    if (!host) return;
    setBusy(true);
    setOtherErrors([]);
    try {
      await settlementApi.setHostPolicy(countyCode, host.hostUserId, toInput(v, !!host.policy?.payee));
      message.success(t('st.policySaved', { name: host.name ?? host.hostUserId }));
      onSaved();
    } catch (err) {
      const rest = placeErrors(form, err, t);
      if (rest === null) handle(err);
      else if (rest.length) setOtherErrors(rest);
      else message.warning(t('form.fixFields'));
    } finally {
      setBusy(false);
    }
  };

  const pctRules = [{ type: 'number' as const, min: 0, max: 50, message: t('st.rateRange') }];
  return (
    <Drawer
      open={!!host} onClose={onClose} size={size} destroyOnHidden
      title={t('st.editPolicy', { name: host?.name ?? host?.hostUserId ?? '' })}
      footer={<Space style={{ float: 'right' }}><Button onClick={onClose}>{t('common.cancel')}</Button><Button type="primary" loading={busy} onClick={() => form.submit()} data-testid="policy-submit">{t('common.save')}</Button></Space>}
    >
      <Form<Values> form={form} layout="vertical" onFinish={(v) => void submit(v)} initialValues={toValues(null)} scrollToFirstError>
        <Form.Item name="kind" label={t('st.hostKindLabel')} extra={kind === 'official' ? t('st.officialHint') : undefined}>
          <Radio.Group optionType="button" options={[{ value: 'regular', label: t('st.hostKind.regular') }, { value: 'official', label: t('st.hostKind.official') }]} />
        </Form.Item>
        <Form.Item name="basis" label={kind === 'official' ? t('st.ruleOfficial') : t('st.rule')}>
          <Radio.Group options={[{ value: 'selection', label: t('st.basis.selection') }, { value: 'rate', label: t('st.basis.rate') }, { value: 'fixed', label: t('st.basis.fixed') }]} />
        </Form.Item>
        {basis === 'rate' && (
          <Form.Item name="ratePct" label={t('st.ratePct')} rules={[{ required: true, message: t('st.rateRequired') }, ...pctRules]}>
            <InputNumber min={0} max={50} step={0.5} precision={2} suffix="%" style={{ width: 180 }} id="policy-rate" />
          </Form.Item>
        )}
        {basis === 'fixed' && (
          <Form.Item name="fixedYuan" label={t('st.fixedYuan')} extra={t('st.fixedHint')} rules={[{ required: true, message: t('st.fixedRequired') }, { type: 'number', min: 0, message: t('st.fixedRange') }]}>
            <InputNumber min={0} step={0.1} precision={2} prefix="¥" style={{ width: 180 }} id="policy-fixed" />
          </Form.Item>
        )}
        {kind === 'official' && (
          <Card size="small" style={{ marginBottom: 16 }} title={t('st.pledge')}>
            <Form.Item name="charityPct" label={t('st.charityPct')} rules={[{ required: true, message: t('st.charityRequired') }, { type: 'number', min: 0, max: 100, message: t('st.charityRange') }]}
              extra={t('st.developmentIs', { pct: Math.max(0, 100 - (charity ?? 0)).toFixed(2).replace(/\.?0+$/, '') })}>
              <InputNumber min={0} max={100} step={5} precision={2} suffix="%" style={{ width: 180 }} id="policy-charity" />
            </Form.Item>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('st.publicHint')}</Typography.Text>
          </Card>
        )}

        <Typography.Title level={5}>{t('st.overrides')}</Typography.Title>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{t('st.overridesHint')}</Typography.Paragraph>
        <Form.List name="overrides">
          {(items, { add, remove }) => (
            <>
              {items.map(({ key, name }) => (
                <Card size="small" key={key} style={{ marginBottom: 8 }} data-testid="override-row"
                  extra={<Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(name)} aria-label={t('st.removeOverride')} />}
                  title={t('st.overrideN', { n: name + 1 })}>
                  <Space wrap align="start">
                    <Form.Item name={[name, 'scope']} label={t('st.scope')} style={{ marginBottom: 8 }}>
                      <Select style={{ width: 110 }} options={[{ value: 'product', label: t('st.scope.product') }, { value: 'category', label: t('st.scope.category') }]}
                        onChange={() => form.setFieldValue(['overrides', name, 'target'], undefined)} />
                    </Form.Item>
                    <Form.Item noStyle shouldUpdate>
                      {() => {
                        const scope = form.getFieldValue(['overrides', name, 'scope']) as OverrideValues['scope'];
                        const opts = scope === 'category'
                          ? (categories.data ?? []).map((c) => ({ value: c.code, label: lang === 'zh-CN' ? c.nameZh : c.nameEn }))
                          : (products.data ?? []).map((p) => ({ value: p.id, label: p.title }));
                        return (
                          <Form.Item name={[name, 'target']} label={scope === 'category' ? t('st.scope.category') : t('st.scope.product')} rules={[{ required: true, message: t('st.targetRequired') }]} style={{ marginBottom: 8 }}>
                            <Select style={{ width: 220, maxWidth: '100%' }} showSearch={{ optionFilterProp: 'label' }} options={opts} placeholder={t('st.pickTarget')} />
                          </Form.Item>
                        );
                      }}
                    </Form.Item>
                    <Form.Item name={[name, 'basis']} label={t('st.rule')} style={{ marginBottom: 8 }}>
                      <Select style={{ width: 110 }} options={[{ value: 'rate', label: t('st.basis.rate') }, { value: 'fixed', label: t('st.basis.fixed') }]} />
                    </Form.Item>
                    <Form.Item noStyle shouldUpdate>
                      {() => (form.getFieldValue(['overrides', name, 'basis']) === 'fixed' ? (
                        <Form.Item name={[name, 'fixedYuan']} label={t('st.fixedYuan')} rules={[{ required: true, message: t('st.fixedRequired') }]} style={{ marginBottom: 8 }}>
                          <InputNumber min={0} step={0.1} precision={2} prefix="¥" style={{ width: 130 }} />
                        </Form.Item>
                      ) : (
                        <Form.Item name={[name, 'ratePct']} label={t('st.ratePct')} rules={[{ required: true, message: t('st.rateRequired') }, ...pctRules]} style={{ marginBottom: 8 }}>
                          <InputNumber min={0} max={50} step={0.5} precision={2} suffix="%" style={{ width: 130 }} />
                        </Form.Item>
                      ))}
                    </Form.Item>
                  </Space>
                </Card>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ scope: 'category', basis: 'rate', ratePct: null })} block style={{ marginBottom: 16 }} data-testid="add-override">{t('st.addOverride')}</Button>
            </>
          )}
        </Form.List>

        <Typography.Title level={5}>{t('st.payeeTitle')}</Typography.Title>
        {host?.policy?.payee && <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{t('st.payeeCurrent', { name: host.policy.payee.name, bank: host.policy.payee.bank, account: host.policy.payee.accountMasked ?? '' })}</Typography.Paragraph>}
        <Form.Item name="payeeName" label={t('st.payeeName')} dependencies={['payeeAccount']} rules={[({ getFieldValue }) => ({ required: !!getFieldValue('payeeAccount'), whitespace: true, message: t('st.payeeNameRequired') })]}>
          <Input maxLength={60} />
        </Form.Item>
        <Form.Item name="payeeBank" label={t('st.payeeBank')} dependencies={['payeeAccount']} rules={[({ getFieldValue }) => ({ required: !!getFieldValue('payeeAccount'), whitespace: true, message: t('st.payeeBankRequired') })]}>
          <Input maxLength={80} placeholder={t('st.payeeBankPlaceholder')} />
        </Form.Item>
        <Form.Item name="payeeAccount" label={t('st.payeeAccount')} extra={host?.policy?.payee ? t('st.payeeAccountKeep') : t('st.payeeAccountHint')} rules={[{ pattern: /^[0-9]{8,30}$/, message: t('st.accountPattern') }]}>
          <Input inputMode="numeric" maxLength={30} autoComplete="off" />
        </Form.Item>
        {otherErrors.length > 0 && <Alert type="error" showIcon title={otherErrors.join(t('common.listSeparator'))} />}
      </Form>
    </Drawer>
  );
}
