/**
 * The host's own phone pages (/host/me…): dashboard, showcase, picking from the selection base,
 * applications and invitations, samples, profile with real name and linked accounts; and the
 * public host page (/hosts/:id). Plain CSS like the storefront, usable in elder mode.
 */
import { useEffect, useState, type FormEvent, type ReactElement } from 'react';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { isProblem } from '../../api/client';
import { selectionApi } from '../../api/catalog';
import { PLATFORMS, hostsApi, type HostProfile, type Platform, type Sample, type ShowcaseItem, type Slot } from '../../api/hosts';
import { useI18n, type MessageKey } from '../../i18n';
import { PHONE_RE, addDays, formatBp, formatFen, todayShanghai } from '../../shared/format';
import { fieldMessages, problemText } from '../../shared/problems';
import { hasRole, useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';
import { signInPath } from '../store/buy';
import { PageHeader } from '../store/PageHeader';
import { EmptyState, ErrorState } from '../store/States';
import { useToast } from '../store/Toast';
import { SLOTS, WEEKDAYS, formatFollowers, formatShare, kindLabel, matchStatusLabel, platformLabel, sampleStatusLabel, verificationLabel } from './hostLabels';
import './host-me.css';

const CARRIERS = ['SF', 'ZTO', 'YTO', 'YUNDA', 'STO', 'JD', 'EMS'] as const;

/** Only hosts get these pages: others are sent to sign in, or told what the page is for. */
function useHostOnly(returnTo: string): ReactElement | null {
  const { t } = useI18n();
  const session = useSession();
  if (session.status === 'loading') return <div className="state" role="status">{t('common.loading')}</div>;
  if (session.status !== 'signedIn') return <Navigate to={signInPath(returnTo)} replace />;
  if (!hasRole(session.user, ['host'])) return <><PageHeader title={t('hm.title')} /><EmptyState title={t('hm.notHost')} action={<Link to="/learn" className="btn btn-primary">{t('hm.toLearn')}</Link>} /></>;
  return null;
}

/** My profile, or the reason there is none yet (the center has not put me on the roster). */
function useMyProfile(gate: ReactElement | null) {
  return useAsync(() => (gate ? Promise.resolve(null) : hostsApi.me()), [!!gate]);
}

function NoProfile({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useI18n();
  if (isProblem(error) && (error.status === 404 || error.code === 'no_profile')) return <EmptyState title={t('hm.noProfile')}>{t('hm.noProfileHint')}</EmptyState>;
  return <ErrorState error={error} onRetry={onRetry} />;
}

function VerifyBadge({ v }: { v: HostProfile['verification'] }) {
  const { t } = useI18n();
  const cls = v === 'verified' ? 'ok' : v === 'pending' ? 'warn' : v === 'rejected' ? 'bad' : '';
  return <span className={`hm-badge ${cls}`} data-testid="hm-verification">{verificationLabel(v, t)}</span>;
}

function Hero({ p }: { p: HostProfile }) {
  const { t } = useI18n();
  return (
    <div className="hm-hero">
      <div className="hm-avatar" aria-hidden="true">{p.displayName.slice(0, 1)}</div>
      <div>
        <div className="hm-name" data-testid="hm-name">{p.displayName}</div>
        <div className="hm-sub"><span className="hm-badge kind">{kindLabel(p.kind, t)}</span><VerifyBadge v={p.verification} /><span>{p.townshipName}</span></div>
      </div>
    </div>
  );
}

function Dashboard({ p }: { p: HostProfile }) {
  const { t } = useI18n();
  const [days, setDays] = useState(7);
  const today = todayShanghai();
  const perf = useAsync(() => hostsApi.hostPerformance(p.hostUserId, { from: addDays(today, -(days - 1)), to: today }), [p.hostUserId, days]);
  const d = perf.data;
  const max = Math.max(1, ...(d?.daily ?? []).map((x) => x.gmvFen));
  return (
    <section className="panel" aria-labelledby="hm-dash">
      <div className="panel-head">
        <h2 id="hm-dash">{t('hm.dashboard')}</h2>
        <div className="hm-actions">
          {[7, 30].map((n) => <button key={n} type="button" className={`chip${days === n ? ' active' : ''}`} aria-pressed={days === n} onClick={() => setDays(n)}>{t('hm.lastDays', { n })}</button>)}
        </div>
      </div>
      {perf.error ? <ErrorState error={perf.error} onRetry={perf.reload} /> : !d ? <div className="state" role="status">{t('common.loading')}</div> : (
        <>
          <div className="hm-tiles" data-testid="hm-tiles">
            <div className="hm-tile"><div className="v red">{formatFen(d.gmvFen)}</div><div className="k">{t('hs.perf.gmv')}</div></div>
            <div className="hm-tile"><div className="v">{d.orders}</div><div className="k">{t('hs.perf.orders')}</div></div>
            <div className="hm-tile"><div className="v">{formatFen(p.kind === 'official' ? d.pledgedFen : d.commissionFen)}</div><div className="k">{p.kind === 'official' ? t('hs.perf.pledged') : t('hs.perf.commission')}</div></div>
            <div className="hm-tile"><div className="v">{d.rank}<small className="muted"> / {d.of}</small></div><div className="k">{t('hm.rank')}</div></div>
            <div className="hm-tile"><div className="v">{d.sessions}</div><div className="k">{t('hs.perf.sessions')} · {d.hoursLive}h</div></div>
            <div className="hm-tile"><div className="v">{d.avgViewers ?? '—'}</div><div className="k">{t('hs.perf.avgViewers')} · {t('hs.perf.conversion')} {formatShare(d.conversion)}</div></div>
          </div>
          {d.daily.length > 0 && <div className="hm-bars" aria-label={t('hm.dailySales')}>{d.daily.map((x) => <span key={x.date} style={{ height: `${(x.gmvFen / max) * 100}%` }} title={`${x.date} ${formatFen(x.gmvFen)}`} />)}</div>}
          {d.refundsFen > 0 && <p className="muted">{t('hm.refunds', { amount: formatFen(d.refundsFen) })}</p>}
        </>
      )}
    </section>
  );
}

function ShowcaseList({ hostUserId }: { hostUserId: string }) {
  const { t } = useI18n();
  const toast = useToast();
  const list = useAsync(() => hostsApi.showcase(hostUserId), [hostUserId]);
  const remove = async (i: ShowcaseItem) => {
    if (!window.confirm(t('hs.showcase.removeConfirm'))) return;
    try { await hostsApi.removeFromShowcase(hostUserId, i.productId); toast(t('hm.removed')); list.reload(); } catch (err) { toast(problemText(err, t)); }
  };
  const items = list.data?.items ?? [];
  return (
    <section className="panel" aria-labelledby="hm-showcase">
      <div className="panel-head">
        <h2 id="hm-showcase">{t('hs.showcase.title')} {items.length ? `(${items.length})` : ''}</h2>
        <Link to="/host/me/showcase/add" className="more-link" data-testid="hm-add-product">{t('hm.addFromSelection')} ›</Link>
      </div>
      {list.error ? <ErrorState error={list.error} onRetry={list.reload} /> : items.length === 0 && !list.loading ? <p className="muted">{t('hm.showcaseEmpty')}</p> : (
        <ul className="hm-list" data-testid="hm-showcase">
          {items.map((i) => (
            <li key={i.productId} className="hm-item">
              {i.coverUrl ? <img className="hm-thumb" src={i.coverUrl} alt="" /> : <div className="hm-thumb" />}
              <div className="hm-body">
                <div className="hm-title">{i.title}</div>
                <div className="hm-meta">{i.minPriceFen != null ? formatFen(i.minPriceFen) : '—'} · {t('hs.commissionRate')} {i.commissionRateBp != null ? formatBp(i.commissionRateBp) : '—'}</div>
                {!i.sellable && <div className="hm-meta" style={{ color: 'var(--red)' }}>{t('hs.showcase.notSellable')}</div>}
              </div>
              <div className="hm-actions">
                <Link to={`/host/me/samples?productId=${encodeURIComponent(i.productId)}`} className="btn">{t('hm.askSample')}</Link>
                <button type="button" className="btn" onClick={() => void remove(i)}>{t('hs.showcase.remove')}</button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** 我的主播主页: figures, showcase, and the ways to everything else. */
export function HostMePage() {
  const { t } = useI18n();
  const gate = useHostOnly('/host/me');
  const me = useMyProfile(gate);
  useEffect(() => { document.title = `${t('hm.title')} - ${t('app.name')}`; }, [t]);
  if (gate) return gate;
  const p = me.data;
  return (
    <>
      <PageHeader title={t('hm.title')} />
      {me.error ? <NoProfile error={me.error} onRetry={me.reload} /> : !p ? <div className="state" role="status">{t('common.loading')}</div> : (
        <>
          <Hero p={p} />
          {p.verification !== 'verified' && (
            <div className="panel" role="note">
              <p>{p.verification === 'pending' ? t('hm.rnPending') : p.verification === 'rejected' ? t('hm.rnRejected', { note: p.verificationNote }) : t('hm.rnNeeded')}</p>
              {p.verification !== 'pending' && <Link to="/host/me/profile#real-name" className="btn btn-primary btn-block">{t('hm.rnGo')}</Link>}
            </div>
          )}
          <Dashboard p={p} />
          <ShowcaseList hostUserId={p.hostUserId} />
          <section className="panel">
            <Link to="/host/sessions" className="setting-row">{t('hm.mySessions')} <span aria-hidden="true">›</span></Link>
            <Link to="/host/me/matches" className="setting-row">{t('hm.matches')} <span aria-hidden="true">›</span></Link>
            <Link to="/host/me/samples" className="setting-row">{t('hm.samples')} <span aria-hidden="true">›</span></Link>
            <Link to="/host/me/profile" className="setting-row">{t('hm.profile')} <span aria-hidden="true">›</span></Link>
            {p.verification === 'verified' && <Link to={`/hosts/${p.hostUserId}`} className="setting-row">{t('hm.publicPage')} <span aria-hidden="true">›</span></Link>}
          </section>
        </>
      )}
    </>
  );
}

/** 从选品库添加: the county's selection base; add straight to the showcase, or apply to carry (带货申请). */
export function HostSelectionPage() {
  const { t } = useI18n();
  const toast = useToast();
  const gate = useHostOnly('/host/me/showcase/add');
  const me = useMyProfile(gate);
  const [q, setQ] = useState('');
  const [typed, setTyped] = useState('');
  const list = useAsync(() => (me.data ? selectionApi.list({ countyCode: me.data.countyCode, q: q || undefined, limit: 40 }).then((r) => r.items) : Promise.resolve([])), [me.data?.countyCode, q]);
  const showcase = useAsync(() => (me.data ? hostsApi.showcase(me.data.hostUserId) : Promise.resolve(null)), [me.data?.hostUserId]);
  if (gate) return gate;
  const inShowcase = new Set((showcase.data?.items ?? []).map((i) => i.productId));
  const add = async (productId: string) => {
    try { await hostsApi.addToShowcase(me.data!.hostUserId, productId); toast(t('hs.showcase.added')); showcase.reload(); } catch (err) { toast(problemText(err, t)); }
  };
  const apply = async (productId: string) => {
    try { await hostsApi.createMatch({ kind: 'apply', productId }); toast(t('hm.applied')); } catch (err) { toast(problemText(err, t)); }
  };
  return (
    <>
      <PageHeader title={t('hm.addFromSelection')} />
      {me.error ? <NoProfile error={me.error} onRetry={me.reload} /> : (
        <>
          <form className="panel field-row" role="search" onSubmit={(e) => { e.preventDefault(); setQ(typed.trim()); }}>
            <input type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder={t('hm.searchSelection')} aria-label={t('hm.searchSelection')} />
            <button type="submit" className="btn btn-primary">{t('hm.search')}</button>
          </form>
          <section className="panel">
            <p className="muted">{t('hm.selectionHint')}</p>
            {list.error ? <ErrorState error={list.error} onRetry={list.reload} /> : (list.data ?? []).length === 0 && !list.loading ? <p className="muted">{t('hs.showcase.noneInSelection')}</p> : (
              <ul className="hm-list" data-testid="hm-selection">
                {(list.data ?? []).map((p) => (
                  <li key={p.productId} className="hm-item">
                    {p.coverUrl ? <img className="hm-thumb" src={p.coverUrl} alt="" /> : <div className="hm-thumb" />}
                    <div className="hm-body">
                      <div className="hm-title">{p.title}</div>
                      <div className="hm-meta">{p.supplierName} · {p.priceFen != null ? formatFen(p.priceFen) : '—'}</div>
                      <div className="hm-meta">{t('hs.commissionRate')} {formatBp(p.selection.commissionRateBp)}{p.selection.sampleQuantity ? ` · ${t('hm.samplesOffered', { n: p.selection.sampleQuantity })}` : ''}</div>
                    </div>
                    <div className="hm-actions">
                      {inShowcase.has(p.productId) ? <span className="hm-badge ok">{t('hm.inShowcase')}</span> : (
                        <>
                          <button type="button" className="btn btn-primary" onClick={() => void add(p.productId)} data-testid="hm-add">{t('hs.showcase.add')}</button>
                          <button type="button" className="btn" onClick={() => void apply(p.productId)}>{t('hm.apply')}</button>
                        </>
                      )}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </>
  );
}

/** 带货申请与邀请: my applications and suppliers' invitations, with their outcome. */
export function HostMatchesPage() {
  const { t } = useI18n();
  const toast = useToast();
  const gate = useHostOnly('/host/me/matches');
  const { user } = useSession();
  const list = useAsync(() => (gate ? Promise.resolve({ items: [] }) : hostsApi.matches({ hostUserId: user?.id })), [!!gate, user?.id]);
  if (gate) return gate;
  const withdraw = async (id: string) => {
    try { await hostsApi.withdrawMatch(id); list.reload(); } catch (err) { toast(problemText(err, t)); }
  };
  const items = list.data?.items ?? [];
  return (
    <>
      <PageHeader title={t('hm.matches')} />
      {list.error ? <ErrorState error={list.error} onRetry={list.reload} /> : items.length === 0 && !list.loading ? <EmptyState title={t('hm.noMatches')} action={<Link to="/host/me/showcase/add" className="btn btn-primary">{t('hm.addFromSelection')}</Link>} /> : (
        <section className="panel">
          <ul className="hm-list">
            {items.map((m) => (
              <li key={m.id} className="hm-item" data-testid="hm-match">
                <div className="hm-body">
                  <div className="hm-title">{m.productTitle}</div>
                  <div className="hm-meta">{m.kind === 'invite' ? t('hm.invitedBy', { supplier: m.supplierName }) : t('hm.appliedTo', { supplier: m.supplierName })}</div>
                  {m.message && <div className="hm-meta">“{m.message}”</div>}
                  {m.decisionNote && <div className="hm-meta">{t('hm.centerSays', { note: m.decisionNote })}</div>}
                </div>
                <div className="hm-actions">
                  <span className={`hm-badge ${m.status === 'approved' ? 'ok' : m.status === 'pending' ? 'warn' : m.status === 'rejected' ? 'bad' : ''}`}>{matchStatusLabel(m.status, t)}</span>
                  {m.status === 'pending' && <button type="button" className="btn" onClick={() => void withdraw(m.id)}>{m.kind === 'invite' ? t('hm.decline') : t('hs.match.withdraw')}</button>}
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function SampleRequestForm({ productId, profile, onDone }: { productId: string; profile: HostProfile; onDone: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [f, setF] = useState({ quantity: 1, returnRequired: true, recipientName: profile.realName ?? profile.displayName, recipientPhone: '', addressText: '', note: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const product = useAsync(() => hostsApi.showcase(profile.hostUserId).then((s) => s.items.find((i) => i.productId === productId) ?? null), [productId]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!PHONE_RE.test(f.recipientPhone)) local.recipientPhone = t('field.phone.pattern');
    if (f.addressText.trim().length < 5) local.addressText = t('hm.addressShort');
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      await hostsApi.requestSample({ productId, quantity: f.quantity, returnRequired: f.returnRequired, recipientName: f.recipientName.trim(), recipientPhone: f.recipientPhone, addressText: f.addressText.trim(), ...(f.note.trim() ? { note: f.note.trim() } : {}) });
      toast(t('hm.sampleRequested'));
      onDone();
    } catch (err) {
      const fields = fieldMessages(err, t);
      setErrors(fields);
      if (!Object.keys(fields).length) toast(problemText(err, t));
    } finally {
      setBusy(false);
    }
  };
  const field = (name: keyof typeof f, label: string, input: ReactElement) => (
    <div className="field">
      <label htmlFor={`sr-${name}`}>{label}</label>
      {input}
      {errors[name] && <span className="field-error" role="alert">{errors[name]}</span>}
    </div>
  );
  return (
    <form className="panel hm-form" onSubmit={(e) => void submit(e)} noValidate data-testid="hm-sample-form">
      <h2>{t('hm.askSampleFor', { product: product.data?.title ?? '' })}</h2>
      {field('quantity', t('hs.sample.quantity'), <input id="sr-quantity" type="number" min={1} max={20} inputMode="numeric" value={f.quantity} onChange={(e) => setF({ ...f, quantity: Math.max(1, Math.min(20, Number(e.target.value) || 1)) })} />)}
      <label className="check-row"><input type="checkbox" checked={f.returnRequired} onChange={(e) => setF({ ...f, returnRequired: e.target.checked })} /> {t('hm.willReturn')}</label>
      {field('recipientName', t('hs.sample.recipient'), <input id="sr-recipientName" value={f.recipientName} maxLength={30} onChange={(e) => setF({ ...f, recipientName: e.target.value })} />)}
      {field('recipientPhone', t('hm.phone'), <input id="sr-recipientPhone" inputMode="numeric" maxLength={11} value={f.recipientPhone} onChange={(e) => setF({ ...f, recipientPhone: e.target.value.replace(/\D/g, '') })} />)}
      {field('addressText', t('hm.address'), <textarea id="sr-addressText" maxLength={200} value={f.addressText} onChange={(e) => setF({ ...f, addressText: e.target.value })} />)}
      {field('note', t('hs.funnel.note'), <input id="sr-note" maxLength={200} value={f.note} onChange={(e) => setF({ ...f, note: e.target.value })} />)}
      <button type="submit" className="btn btn-primary btn-block" disabled={busy}>{t('hm.sendRequest')}</button>
    </form>
  );
}

function ReturnShip({ sample, onDone }: { sample: Sample; onDone: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [carrier, setCarrier] = useState('');
  const [no, setNo] = useState('');
  const send = async () => {
    try { await hostsApi.sampleAction(sample.id, 'return-ship', { carrier, trackingNo: no.trim() }); toast(t('hm.returnSent')); onDone(); } catch (err) { toast(problemText(err, t)); }
  };
  return (
    <div className="field-row" style={{ marginTop: 8 }}>
      <select value={carrier} onChange={(e) => setCarrier(e.target.value)} aria-label={t('hs.sample.carrier')}>
        <option value="">{t('hs.sample.carrier')}</option>
        {CARRIERS.map((c) => <option key={c} value={c}>{t(`carrier.${c}` as MessageKey)}</option>)}
      </select>
      <input value={no} onChange={(e) => setNo(e.target.value)} placeholder={t('hs.sample.trackingNo')} aria-label={t('hs.sample.trackingNo')} />
      <button type="button" className="btn btn-primary" disabled={!carrier || !no.trim()} onClick={() => void send()}>{t('hm.sendBack')}</button>
    </div>
  );
}

/** 寄样: request samples of a showcase product, follow them, confirm receipt and send them back. */
export function HostSamplesPage() {
  const { t } = useI18n();
  const toast = useToast();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const productId = params.get('productId');
  const gate = useHostOnly('/host/me/samples');
  const me = useMyProfile(gate);
  const list = useAsync(() => (gate ? Promise.resolve({ items: [] as Sample[] }) : hostsApi.samples()), [!!gate]);
  if (gate) return gate;
  const act = async (s: Sample, action: 'receive' | 'cancel') => {
    try { await hostsApi.sampleAction(s.id, action); list.reload(); } catch (err) { toast(problemText(err, t)); }
  };
  const items = list.data?.items ?? [];
  return (
    <>
      <PageHeader title={t('hm.samples')} />
      {productId && me.data && <SampleRequestForm productId={productId} profile={me.data} onDone={() => { navigate('/host/me/samples', { replace: true }); list.reload(); }} />}
      {list.error ? <ErrorState error={list.error} onRetry={list.reload} /> : items.length === 0 && !list.loading ? <EmptyState title={t('hm.noSamples')}>{t('hm.noSamplesHint')}</EmptyState> : (
        <section className="panel">
          <ul className="hm-list">
            {items.map((s) => (
              <li key={s.id} className="hm-item" data-testid="hm-sample" style={{ flexWrap: 'wrap' }}>
                <div className="hm-body">
                  <div className="hm-title">{s.productTitle} × {s.quantity}</div>
                  <div className="hm-meta">{s.supplierName} · {s.returnRequired ? t('hs.sample.mustReturn') : t('hs.sample.keep')}</div>
                  {s.trackingNo && <div className="hm-meta">{t('hs.sample.out')} {t(`carrier.${s.carrier}` as MessageKey)} {s.trackingNo}</div>}
                  {s.returnTrackingNo && <div className="hm-meta">{t('hs.sample.back')} {t(`carrier.${s.returnCarrier}` as MessageKey)} {s.returnTrackingNo}</div>}
                </div>
                <div className="hm-actions">
                  <span className="hm-badge">{sampleStatusLabel(s.status, t)}</span>
                  {s.status === 'shipped' && <button type="button" className="btn btn-primary" onClick={() => void act(s, 'receive')} data-testid="hm-receive">{t('hm.received')}</button>}
                  {s.status === 'requested' && <button type="button" className="btn" onClick={() => void act(s, 'cancel')}>{t('hs.sample.cancel')}</button>}
                </div>
                {s.status === 'received' && s.returnRequired && <div style={{ width: '100%' }}><ReturnShip sample={s} onDone={list.reload} /></div>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function ageFromId(id: string): number | null {
  const m = /^\d{6}(\d{4})(\d{2})(\d{2})\d{3}[\dXx]$/.exec(id.trim());
  if (!m) return null;
  const [y, mo, d] = todayShanghai().split('-').map(Number) as [number, number, number];
  const by = Number(m[1]), bm = Number(m[2]), bd = Number(m[3]);
  return y - by - (mo < bm || (mo === bm && d < bd) ? 1 : 0);
}

function RealNameForm({ p, onDone }: { p: HostProfile; onDone: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [f, setF] = useState({ realName: p.realName ?? '', idNumber: '', gName: '', gRelation: '', gPhone: '', gOn: todayShanghai() });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const age = ageFromId(f.idNumber);
  const minor = age !== null && age >= 16 && age < 18;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await hostsApi.setRealName(p.hostUserId, {
        realName: f.realName.trim(), idNumber: f.idNumber.trim().toUpperCase(),
        ...(minor ? { guardian: { name: f.gName.trim(), relation: f.gRelation.trim(), phone: f.gPhone, consentOn: f.gOn } } : {}),
      });
      toast(t('hm.rnSubmitted'));
      onDone();
    } catch (err) {
      const fields = fieldMessages(err, t);
      if (isProblem(err, 'guardian_consent_required')) fields.guardian = t('problem.guardian_consent_required');
      if (isProblem(err, 'host_too_young')) fields.idNumber = t('problem.host_too_young');
      setErrors(fields);
      if (!Object.keys(fields).length) toast(problemText(err, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="hm-form" onSubmit={(e) => void submit(e)} noValidate data-testid="hm-rn-form">
      <p className="muted">{t('hs.rn.hint')}</p>
      <div className="field"><label htmlFor="rn-name">{t('hs.realName')}</label><input id="rn-name" value={f.realName} maxLength={30} onChange={(e) => setF({ ...f, realName: e.target.value })} />{errors.realName && <span className="field-error" role="alert">{errors.realName}</span>}</div>
      <div className="field"><label htmlFor="rn-id">{t('hs.rn.idNumber')}</label><input id="rn-id" value={f.idNumber} maxLength={18} autoComplete="off" onChange={(e) => setF({ ...f, idNumber: e.target.value })} />
        {age !== null && <span className="muted">{t('hs.rn.ageIs', { age })}</span>}
        {errors.idNumber && <span className="field-error" role="alert">{errors.idNumber}</span>}
      </div>
      {minor && (
        <fieldset className="panel" style={{ margin: '0 0 12px', border: '1px solid var(--line)' }}>
          <legend>{t('hs.rn.guardianTitle')}</legend>
          <div className="field"><label htmlFor="g-name">{t('hs.rn.guardianName')}</label><input id="g-name" value={f.gName} onChange={(e) => setF({ ...f, gName: e.target.value })} /></div>
          <div className="field"><label htmlFor="g-rel">{t('hs.rn.guardianRelation')}</label><input id="g-rel" value={f.gRelation} placeholder={t('hs.rn.relationPlaceholder')} onChange={(e) => setF({ ...f, gRelation: e.target.value })} /></div>
          <div className="field"><label htmlFor="g-phone">{t('hs.rn.guardianPhone')}</label><input id="g-phone" inputMode="numeric" maxLength={11} value={f.gPhone} onChange={(e) => setF({ ...f, gPhone: e.target.value.replace(/\D/g, '') })} /></div>
          <div className="field"><label htmlFor="g-on">{t('hs.rn.consentOn')}</label><input id="g-on" type="date" max={todayShanghai()} value={f.gOn} onChange={(e) => setF({ ...f, gOn: e.target.value })} /></div>
          {errors.guardian && <span className="field-error" role="alert">{errors.guardian}</span>}
        </fieldset>
      )}
      <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="hm-rn-submit">{t('hs.rn.submit')}</button>
    </form>
  );
}

/** 资料与实名: what my page says, when I can go live, my real name and my accounts elsewhere. */
export function HostProfilePage() {
  const { t, lang } = useI18n();
  const toast = useToast();
  const gate = useHostOnly('/host/me/profile');
  const me = useMyProfile(gate);
  const [f, setF] = useState<{ displayName: string; bio: string; specialities: string; weekdays: number[]; slots: Slot[]; note: string } | null>(null);
  const [acc, setAcc] = useState<{ platform: Platform; handle: string; followers: string }>({ platform: 'douyin', handle: '', followers: '' });
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const p = me.data;
    if (p) setF({ displayName: p.displayName, bio: p.bio, specialities: p.specialities.join('，'), weekdays: p.availability.weekdays, slots: p.availability.slots, note: p.availability.note });
  }, [me.data]);
  if (gate) return gate;
  const p = me.data;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!f) return;
    setBusy(true);
    try {
      await hostsApi.patchMe({
        displayName: f.displayName.trim(), bio: f.bio,
        specialities: [...new Set(f.specialities.split(/[,，、\s]+/).map((s) => s.trim()).filter(Boolean))],
        availability: { weekdays: f.weekdays, slots: f.slots, note: f.note },
      });
      toast(t('common.saved'));
      me.reload();
    } catch (err) {
      toast(problemText(err, t));
    } finally {
      setBusy(false);
    }
  };
  const link = async (e: FormEvent) => {
    e.preventDefault();
    const followers = Number(acc.followers);
    if (!acc.handle.trim() || !Number.isInteger(followers) || followers < 0) { toast(t('hm.accountIncomplete')); return; }
    try { await hostsApi.putAccount(p!.hostUserId, acc.platform, { handle: acc.handle.trim(), followers }); setAcc({ ...acc, handle: '', followers: '' }); me.reload(); } catch (err) { toast(problemText(err, t)); }
  };
  const unlink = async (platform: Platform) => {
    try { await hostsApi.deleteAccount(p!.hostUserId, platform); me.reload(); } catch (err) { toast(problemText(err, t)); }
  };
  const toggle = <T,>(list: T[], v: T) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  return (
    <>
      <PageHeader title={t('hm.profile')} />
      {me.error ? <NoProfile error={me.error} onRetry={me.reload} /> : !p || !f ? <div className="state" role="status">{t('common.loading')}</div> : (
        <>
          <form className="panel hm-form" onSubmit={(e) => void save(e)}>
            <h2>{t('hm.aboutMe')}</h2>
            <div className="field"><label htmlFor="pf-name">{t('hs.displayName')}</label><input id="pf-name" maxLength={30} value={f.displayName} onChange={(e) => setF({ ...f, displayName: e.target.value })} /></div>
            <div className="field"><label htmlFor="pf-bio">{t('hs.bio')}</label><textarea id="pf-bio" maxLength={500} value={f.bio} onChange={(e) => setF({ ...f, bio: e.target.value })} /></div>
            <div className="field"><label htmlFor="pf-spec">{t('hs.specialities')}</label><input id="pf-spec" value={f.specialities} placeholder={t('hm.specialitiesPlaceholder')} onChange={(e) => setF({ ...f, specialities: e.target.value })} /></div>
            <div className="field"><span className="muted">{t('hs.availability')}</span>
              <div className="hm-checks">{WEEKDAYS.map((d) => <label key={d}><input type="checkbox" checked={f.weekdays.includes(d)} onChange={() => setF({ ...f, weekdays: toggle(f.weekdays, d) })} /><span>{t(`hs.weekday.${d}` as MessageKey)}</span></label>)}</div>
              <div className="hm-checks" style={{ marginTop: 6 }}>{SLOTS.map((s) => <label key={s}><input type="checkbox" checked={f.slots.includes(s)} onChange={() => setF({ ...f, slots: toggle(f.slots, s) })} /><span>{t(`hs.slot.${s}` as MessageKey)}</span></label>)}</div>
            </div>
            <div className="field"><label htmlFor="pf-note">{t('hs.availabilityNote')}</label><input id="pf-note" maxLength={200} value={f.note} onChange={(e) => setF({ ...f, note: e.target.value })} /></div>
            <button type="submit" className="btn btn-primary btn-block" disabled={busy}>{t('common.save')}</button>
          </form>

          <section className="panel" id="real-name" aria-labelledby="hm-rn">
            <div className="panel-head"><h2 id="hm-rn">{t('hs.rn.title')}</h2><VerifyBadge v={p.verification} /></div>
            {p.realName && <div className="kv"><span>{t('hs.realName')}</span><span>{p.realName}</span></div>}
            {p.idNumberMasked && <div className="kv"><span>{t('hs.rn.idNumber')}</span><span data-testid="hm-id-masked">{p.idNumberMasked}</span></div>}
            {p.verification === 'rejected' && p.verificationNote && <p className="field-error">{t('hm.rnRejected', { note: p.verificationNote })}</p>}
            {(p.verification === 'none' || p.verification === 'rejected') && <RealNameForm p={p} onDone={me.reload} />}
            {p.verification === 'pending' && <p className="muted">{t('hm.rnPending')}</p>}
          </section>

          <section className="panel" aria-labelledby="hm-acc">
            <h2 id="hm-acc">{t('hs.accounts')}</h2>
            <ul className="hm-list">
              {p.externalAccounts.map((a) => (
                <li key={a.platform} className="hm-item">
                  <div className="hm-body"><div className="hm-title">{platformLabel(a.platform, t)} @{a.handle}</div><div className="hm-meta">{t('hm.followersN', { n: formatFollowers(a.followers, lang) })}</div></div>
                  <div className="hm-actions"><button type="button" className="btn" onClick={() => void unlink(a.platform)}>{t('hs.unlink')}</button></div>
                </li>
              ))}
            </ul>
            <form className="hm-form" onSubmit={(e) => void link(e)}>
              <div className="field-row">
                <select value={acc.platform} onChange={(e) => setAcc({ ...acc, platform: e.target.value as Platform })} aria-label={t('hs.platformLabel')}>
                  {PLATFORMS.map((pl) => <option key={pl} value={pl}>{platformLabel(pl, t)}</option>)}
                </select>
                <input value={acc.handle} onChange={(e) => setAcc({ ...acc, handle: e.target.value })} placeholder={t('hs.handle')} aria-label={t('hs.handle')} />
              </div>
              <div className="field-row" style={{ marginTop: 8 }}>
                <input inputMode="numeric" value={acc.followers} onChange={(e) => setAcc({ ...acc, followers: e.target.value.replace(/\D/g, '') })} placeholder={t('hs.followers')} aria-label={t('hs.followers')} />
                <button type="submit" className="btn btn-primary">{t('hs.linkAccount')}</button>
              </div>
            </form>
          </section>
        </>
      )}
    </>
  );
}

/** A verified host's public page: who they are, where they sell, their showcase, an official's pledge. */
export function PublicHostPage() {
  const { t, lang } = useI18n();
  const { hostUserId = '' } = useParams();
  const host = useAsync(() => hostsApi.publicHost(hostUserId), [hostUserId]);
  const h = host.data;
  useEffect(() => { if (h) document.title = `${h.displayName} - ${t('app.name')}`; }, [h, t]);
  return (
    <>
      <PageHeader title={h?.displayName ?? t('hm.publicPage')} />
      {host.error ? (isProblem(host.error) && host.error.status === 404 ? <EmptyState title={t('hm.publicNotFound')} action={<Link to="/" className="btn">{t('hm.toHome')}</Link>} /> : <ErrorState error={host.error} onRetry={host.reload} />)
        : !h ? <div className="state" role="status">{t('common.loading')}</div> : (
          <>
            <div className="hm-hero">
              <div className="hm-avatar" aria-hidden="true">{h.displayName.slice(0, 1)}</div>
              <div>
                <div className="hm-name" data-testid="public-host-name">{h.displayName}</div>
                <div className="hm-sub"><span className="hm-badge kind">{kindLabel(h.kind, t)}</span><span>{h.countyName} {h.townshipName}</span></div>
                {h.externalAccounts.length > 0 && <div className="hm-accounts">{h.externalAccounts.map((a) => <span key={a.platform} className="hm-badge">{platformLabel(a.platform, t)} @{a.handle} · {formatFollowers(a.followers, lang)}</span>)}</div>}
              </div>
            </div>
            {h.pledge && (
              <div className="hm-pledge" data-testid="public-pledge">
                <b>{t('hm.pledgeTitle')}</b>
                <p>{t('hm.pledgeText', { charity: formatBp(h.pledge.charityBp), development: formatBp(h.pledge.developmentBp) })}</p>
              </div>
            )}
            {(h.bio || h.specialities.length > 0) && (
              <section className="panel">
                {h.bio && <p>{h.bio}</p>}
                {h.specialities.length > 0 && <div className="role-list">{h.specialities.map((s) => <span key={s} className="tag tag-grey">{s}</span>)}</div>}
              </section>
            )}
            <section className="panel" aria-labelledby="ph-showcase">
              <h2 id="ph-showcase">{t('hm.theirShowcase')}</h2>
              {h.showcase.length === 0 ? <p className="muted">{t('hm.publicShowcaseEmpty')}</p> : (
                <ul className="hm-list">
                  {h.showcase.map((i) => (
                    <li key={i.productId} className="hm-item">
                      <Link to={`/p/${i.productId}`} className="hm-item" style={{ flex: 1, border: 0, padding: 0 }}>
                        {i.coverUrl ? <img className="hm-thumb" src={i.coverUrl} alt="" /> : <div className="hm-thumb" />}
                        <div className="hm-body"><div className="hm-title">{i.title}</div><div className="hm-meta">{i.origin} · {i.supplierName}</div></div>
                        <span className="price">{i.minPriceFen != null ? formatFen(i.minPriceFen) : ''}</span>
                      </Link>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </>
        )}
    </>
  );
}
