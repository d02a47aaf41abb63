import { LockOutlined, MobileOutlined } from '@ant-design/icons';
import { Button, Card, Form, Input, Space, Tabs, Typography, type FormInstance } from 'antd';
import { useState } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router-dom';
import { authApi } from '../../api/auth';
import { useI18n } from '../../i18n';
import { PHONE_RE } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { useSession } from '../../shared/session';
import { useCountdown } from '../../shared/useCountdown';
import { applyFieldErrors } from './adminShared';
import { LanguageSwitch } from './LanguageSwitch';

function usePhoneRule() {
  const { t } = useI18n();
  return [
    { required: true, message: t('field.phone.required') },
    { pattern: PHONE_RE, message: t('field.phone.pattern') },
  ];
}

/** Signs in with `action`; a failure goes beside its fields, or else in one line under the form. */
function useSignIn<V>(form: FormInstance<V>, action: (values: V) => Promise<void>) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (v: V) => {
    setBusy(true);
    setError(null);
    try {
      await action(v);
    } catch (err) {
      if (applyFieldErrors(form, err, t) === null) setError(problemText(err, t));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, submit: (v: V) => void run(v) };
}

function PasswordForm() {
  const { t } = useI18n();
  const session = useSession();
  const [form] = Form.useForm<{ phone: string; password: string }>();
  const phoneRules = usePhoneRule();
  const { busy, error, submit } = useSignIn(form, async (v) => session.signedIn(await authApi.login(v.phone.trim(), v.password)));
  return (
    <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} size="large">
      <Form.Item name="phone" label={t('auth.phone')} rules={phoneRules}>
        <Input prefix={<MobileOutlined />} inputMode="numeric" autoComplete="tel" maxLength={11} placeholder={t('auth.phonePlaceholder')} autoFocus />
      </Form.Item>
      <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, message: t('field.password.required') }]}>
        <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
      </Form.Item>
      {error && <Typography.Paragraph type="danger" role="alert">{error}</Typography.Paragraph>}
      <Button type="primary" htmlType="submit" block loading={busy}>{t('auth.signIn')}</Button>
    </Form>
  );
}

function SmsForm() {
  const { t } = useI18n();
  const session = useSession();
  const [form] = Form.useForm<{ phone: string; code: string }>();
  const [sending, setSending] = useState(false);
  const [countdown, setCountdown] = useCountdown();
  const { busy, error, setError, submit } = useSignIn(form, async (v) => session.signedIn(await authApi.smsLogin(v.phone.trim(), v.code.trim())));
  const [note, setNote] = useState<string | null>(null);
  const phoneRules = usePhoneRule();
  const send = async () => {
    try {
      const { phone } = await form.validateFields(['phone']);
      setSending(true);
      setError(null);
      await authApi.sendSmsCode(phone.trim());
      setNote(t('auth.codeSent'));
      setCountdown(60);
    } catch (err) {
      if (err && typeof err === 'object' && 'errorFields' in err) return;
      setError(problemText(err, t));
    } finally {
      setSending(false);
    }
  };
  return (
    <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} size="large">
      <Form.Item name="phone" label={t('auth.phone')} rules={phoneRules}>
        <Input prefix={<MobileOutlined />} inputMode="numeric" autoComplete="tel" maxLength={11} placeholder={t('auth.phonePlaceholder')} />
      </Form.Item>
      <Form.Item label={t('auth.smsCode')} required extra={note}>
        <Space.Compact style={{ width: '100%' }}>
          <Form.Item name="code" noStyle rules={[{ required: true, pattern: /^\d{6}$/, message: t('field.code.pattern') }]}>
            <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} aria-label={t('auth.smsCode')} />
          </Form.Item>
          <Button onClick={() => void send()} loading={sending} disabled={countdown > 0}>
            {countdown > 0 ? t('auth.resendIn', { seconds: countdown }) : t('auth.sendCode')}
          </Button>
        </Space.Compact>
      </Form.Item>
      {error && <Typography.Paragraph type="danger" role="alert">{error}</Typography.Paragraph>}
      <Button type="primary" htmlType="submit" block loading={busy}>{t('auth.signIn')}</Button>
    </Form>
  );
}

/** /admin/login — staff sign in with phone and password, or an SMS code. */
export function LoginPage() {
  const { t } = useI18n();
  const session = useSession();
  const [params] = useSearchParams();
  const next = params.get('next');
  if (session.status === 'signedIn') return <Navigate to={next && next.startsWith('/admin') ? next : '/admin'} replace />;
  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: 'linear-gradient(160deg, #fff1e6 0%, #f5f5f5 60%)', padding: 16 }}>
      <Card style={{ width: 400, maxWidth: '100%' }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 8 }}>
          <Space align="center">
            <img src="/favicon.svg" alt="" width={32} height={32} />
            <Typography.Title level={4} style={{ margin: 0 }}>{t('admin.title')}</Typography.Title>
          </Space>
          <LanguageSwitch />
        </div>
        <Typography.Paragraph type="secondary">{t('admin.loginIntro')}</Typography.Paragraph>
        <Tabs
          items={[
            { key: 'password', label: t('auth.tab.password'), children: <PasswordForm /> },
            { key: 'sms', label: t('auth.tab.sms'), children: <SmsForm /> },
          ]}
        />
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 12 }}>
          {t('admin.loginHelp')} <Link to="/">{t('admin.toStore')}</Link>
        </Typography.Paragraph>
      </Card>
    </div>
  );
}
