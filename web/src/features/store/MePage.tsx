import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useI18n, type Lang } from '../../i18n';
import { setElderMode, useElderMode } from '../../shared/elder';
import { problemText } from '../../shared/problems';
import { CONSOLE_ROLES, hasRole, useSession } from '../../shared/session';
import { PasswordLoginForm, SignupForm, SmsLoginForm } from './AuthForms';
import { ErrorState } from './States';
import { safeReturn } from './buy';
import { ORDER_TABS } from './OrdersPage';

type Mode = 'password' | 'sms' | 'signup';

function SignIn() {
  const { t } = useI18n();
  const [mode, setMode] = useState<Mode>('password');
  const tabs: { key: Mode; label: string }[] = [
    { key: 'password', label: t('auth.tab.password') },
    { key: 'sms', label: t('auth.tab.sms') },
    { key: 'signup', label: t('auth.tab.signup') },
  ];
  return (
    <section className="panel" aria-labelledby="signin-h">
      <h2 id="signin-h">{mode === 'signup' ? t('auth.signupTitle') : t('auth.signinTitle')}</h2>
      <div className="segmented" role="tablist">
        {tabs.map((tab) => (
          <button key={tab.key} type="button" role="tab" aria-selected={mode === tab.key} onClick={() => setMode(tab.key)}>{tab.label}</button>
        ))}
      </div>
      <div role="tabpanel">
        {mode === 'password' && <PasswordLoginForm />}
        {mode === 'sms' && <SmsLoginForm />}
        {mode === 'signup' && <SignupForm />}
      </div>
    </section>
  );
}

function Switch({ checked, onChange, labelledBy }: { checked: boolean; onChange: (v: boolean) => void; labelledBy: string }) {
  return <button type="button" role="switch" className="switch" aria-checked={checked} aria-labelledby={labelledBy} onClick={() => onChange(!checked)} />;
}

function Settings() {
  const { t, lang, setLang } = useI18n();
  const elder = useElderMode();
  const langs: { key: Lang; label: string }[] = [{ key: 'zh-CN', label: '中文' }, { key: 'en', label: 'English' }];
  return (
    <section className="panel" aria-labelledby="settings-h">
      <h2 id="settings-h">{t('me.settings')}</h2>
      <div className="setting-row">
        <div>
          <div id="elder-label">{t('me.elderMode')}</div>
          <div className="hint">{t('me.elderModeHint')}</div>
        </div>
        <Switch checked={elder} onChange={setElderMode} labelledBy="elder-label" />
      </div>
      <div className="setting-row">
        <div id="lang-label">{t('me.language')}</div>
        <div className="segmented" role="radiogroup" aria-labelledby="lang-label" style={{ marginBottom: 0, minWidth: 180 }}>
          {langs.map((l) => (
            <button key={l.key} type="button" role="radio" aria-checked={lang === l.key} aria-selected={lang === l.key} onClick={() => setLang(l.key)}>{l.label}</button>
          ))}
        </div>
      </div>
    </section>
  );
}

function Profile() {
  const { t } = useI18n();
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const user = session.user!;
  const staffRoles = user.roles.filter((r) => r.role !== 'buyer');
  const signOut = async () => {
    setBusy(true);
    setError(null);
    try {
      await session.signOut();
    } catch (err) {
      setError(problemText(err, t));
      setBusy(false);
    }
  };
  return (
    <>
      <div className="profile">
        <div className="avatar" aria-hidden="true">{[...user.name][0]}</div>
        <div>
          <div className="name">{user.name}</div>
          <div className="phone">{user.phone}</div>
        </div>
      </div>
      {staffRoles.length > 0 && (
        <section className="panel" aria-labelledby="roles-h">
          <h2 id="roles-h">{t('me.roles')}</h2>
          <div className="role-list">
            {staffRoles.map((r) => (
              <span key={r.id} className="tag tag-grey">{t(`role.${r.role}`)}{r.supplierName ? ` · ${r.supplierName}` : r.regionName ? ` · ${r.regionName}` : ''}</span>
            ))}
          </div>
          {hasRole(user, ['host']) && <Link to="/host/me" className="btn btn-block btn-primary" style={{ marginTop: 12 }} data-testid="my-host-page">{t('hm.title')}</Link>}
          {hasRole(user, CONSOLE_ROLES) && <Link to="/admin" className="btn btn-block" style={{ marginTop: 12 }}>{t('me.openConsole')}</Link>}
        </section>
      )}
      <section className="panel" aria-labelledby="orders-h">
        <div className="panel-head">
          <h2 id="orders-h">{t('me.orders')}</h2>
          <Link to="/me/orders" className="more-link">{t('me.allOrders')} ›</Link>
        </div>
        <nav className="order-shortcuts" aria-labelledby="orders-h">
          {ORDER_TABS.filter((x) => x.status).map((x) => (
            <Link key={x.key} to={`/me/orders?status=${x.key}`}>{t(`orders.tab.${x.key}` as 'orders.tab.all')}</Link>
          ))}
        </nav>
        <Link to="/me/aftersales" className="setting-row" data-testid="my-aftersales">{t('myAs.mine')} <span aria-hidden="true">›</span></Link>
      </section>
      <Settings />
      <div style={{ padding: '0 8px' }}>
        {error && <div className="form-error" role="alert">{error}</div>}
        <button type="button" className="btn btn-block" onClick={() => void signOut()} disabled={busy}>{t('auth.signOut')}</button>
      </div>
    </>
  );
}

/** 我的: sign in or up, settings (language, 长辈模式), sign out. */
export function MePage() {
  const { t } = useI18n();
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const back = safeReturn(params.get('return'));
  // Sent here to sign in on the way to buying: go back once signed in.
  useEffect(() => {
    if (session.status === 'signedIn' && back) navigate(back, { replace: true });
  }, [session.status, back, navigate]);
  if (session.status === 'loading') return <div className="state" role="status">{t('common.loading')}</div>;
  if (session.status === 'signedIn' && session.user) return <Profile />;
  return (
    <>
      <header className="store-header"><h1 className="page-title">{t('store.tab.me')}</h1></header>
      {back && <p className="signin-reason" role="note">{t('me.signInToBuy')}</p>}
      {session.status === 'error' ? <ErrorState error={session.error} onRetry={() => void session.refresh()} /> : <SignIn />}
      <Settings />
    </>
  );
}
