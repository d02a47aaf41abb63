import { useId, useState, type FormEvent, type InputHTMLAttributes } from 'react';
import { authApi } from '../../api/auth';
import { isProblem } from '../../api/client';
import { useI18n } from '../../i18n';
import { PHONE_RE } from '../../shared/format';
import { fieldMessages, problemText } from '../../shared/problems';
import { useSession } from '../../shared/session';
import { useCountdown } from '../../shared/useCountdown';

type Errors = Record<string, string>;

function Field({ label, error, ...input }: { label: string; error?: string | undefined } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-err` : undefined} {...input} />
      {error && <span className="field-error" id={`${id}-err`}>{error}</span>}
    </div>
  );
}

/** State every sign-in form shares: field errors, one general error, busy while sending. */
function useFormState() {
  const { t } = useI18n();
  const [errors, setErrors] = useState<Errors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (check: () => Errors, action: () => Promise<void>) => {
    const local = check();
    setErrors(local);
    setGeneral(null);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      await action();
    } catch (err) {
      const fields = fieldMessages(err, t);
      setErrors(fields);
      if (!Object.keys(fields).length || !isProblem(err, 'validation_failed')) setGeneral(problemText(err, t));
    } finally {
      setBusy(false);
    }
  };
  return { errors, general, busy, run };
}

function phoneError(phone: string, t: ReturnType<typeof useI18n>['t']): Errors {
  if (!phone) return { phone: t('field.phone.required') };
  return PHONE_RE.test(phone) ? {} : { phone: t('field.phone.pattern') };
}

export function PasswordLoginForm() {
  const { t } = useI18n();
  const session = useSession();
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const f = useFormState();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void f.run(
      () => ({ ...phoneError(phone, t), ...(password ? {} : { password: t('field.password.required') }) }),
      async () => session.signedIn(await authApi.login(phone, password)),
    );
  };
  return (
    <form onSubmit={submit} noValidate>
      <Field label={t('auth.phone')} type="tel" inputMode="numeric" autoComplete="tel" maxLength={11} value={phone} onChange={(e) => setPhone(e.target.value.trim())} error={f.errors.phone} placeholder={t('auth.phonePlaceholder')} />
      <Field label={t('auth.password')} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} error={f.errors.password} />
      {f.general && <div className="form-error" role="alert">{f.general}</div>}
      <button type="submit" className="btn btn-primary btn-block" disabled={f.busy}>{f.busy ? t('auth.signingIn') : t('auth.signIn')}</button>
    </form>
  );
}

export function SmsLoginForm() {
  const { t } = useI18n();
  const session = useSession();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [countdown, setCountdown] = useCountdown();
  const [sent, setSent] = useState(false);
  const [sending, setSending] = useState(false);
  const f = useFormState();
  const [sendErrors, setSendErrors] = useState<Errors>({});

  const send = async () => {
    const local = phoneError(phone, t);
    setSendErrors(local);
    if (Object.keys(local).length) return;
    setSending(true);
    try {
      await authApi.sendSmsCode(phone);
      setSent(true);
      setCountdown(60);
    } catch (err) {
      const fields = fieldMessages(err, t);
      setSendErrors(Object.keys(fields).length ? fields : { code: problemText(err, t) });
    } finally {
      setSending(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void f.run(
      () => ({ ...phoneError(phone, t), ...(/^\d{6}$/.test(code) ? {} : { code: t('field.code.pattern') }) }),
      async () => session.signedIn(await authApi.smsLogin(phone, code)),
    );
  };
  const errors = { ...f.errors, ...sendErrors };
  return (
    <form onSubmit={submit} noValidate>
      <Field label={t('auth.phone')} type="tel" inputMode="numeric" autoComplete="tel" maxLength={11} value={phone} onChange={(e) => setPhone(e.target.value.trim())} error={errors.phone} placeholder={t('auth.phonePlaceholder')} />
      <div className="field">
        <label htmlFor="sms-code">{t('auth.smsCode')}</label>
        <div className="field-row">
          <input id="sms-code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={code} onChange={(e) => setCode(e.target.value.trim())} aria-invalid={errors.code ? true : undefined} aria-describedby={errors.code ? 'sms-code-err' : undefined} />
          <button type="button" className="btn" onClick={() => void send()} disabled={sending || countdown > 0}>
            {countdown > 0 ? t('auth.resendIn', { seconds: countdown }) : sending ? t('auth.sending') : sent ? t('auth.resend') : t('auth.sendCode')}
          </button>
        </div>
        {errors.code && <span className="field-error" id="sms-code-err">{errors.code}</span>}
        {sent && !errors.code && <span className="form-note" role="status">{t('auth.codeSent')}</span>}
      </div>
      <p className="form-note">{t('auth.smsNote')}</p>
      {f.general && <div className="form-error" role="alert">{f.general}</div>}
      <button type="submit" className="btn btn-primary btn-block" disabled={f.busy}>{f.busy ? t('auth.signingIn') : t('auth.signIn')}</button>
    </form>
  );
}

export function SignupForm() {
  const { t } = useI18n();
  const session = useSession();
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const f = useFormState();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void f.run(
      () => ({
        ...phoneError(phone, t),
        ...(name.trim() ? {} : { name: t('field.name.required') }),
        ...(password.length >= 8 ? {} : { password: t('field.password.minLength') }),
      }),
      async () => session.signedIn(await authApi.signup({ phone, name: name.trim(), password })),
    );
  };
  return (
    <form onSubmit={submit} noValidate>
      <Field label={t('auth.phone')} type="tel" inputMode="numeric" autoComplete="tel" maxLength={11} value={phone} onChange={(e) => setPhone(e.target.value.trim())} error={f.errors.phone} placeholder={t('auth.phonePlaceholder')} />
      <Field label={t('auth.name')} autoComplete="name" maxLength={40} value={name} onChange={(e) => setName(e.target.value)} error={f.errors.name} />
      <Field label={t('auth.newPassword')} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} error={f.errors.password} placeholder={t('auth.passwordHint')} />
      {f.general && <div className="form-error" role="alert">{f.general}</div>}
      <button type="submit" className="btn btn-primary btn-block" disabled={f.busy}>{f.busy ? t('auth.signingUp') : t('auth.signUp')}</button>
    </form>
  );
}
