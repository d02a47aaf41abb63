/**
 * 申请售后: choose the lines and quantities, what to ask for (仅退款 / 退货退款) and why —
 * offered only as the rules allow for those lines, and the rules said in plain words first —
 * a description, photos (camera or album, previews, remove), and the amount, which defaults
 * to the most the server allows. The server's answer is shown next to the field it concerns.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router-dom';
import { ProblemError, isProblem } from '../../../api/client';
import { ordersApi, type Order, type OrderItem } from '../../../api/orders';
import { OPEN_CASE_STATUSES, storeAftersalesApi, type AftersalesCase, type ReasonCode } from '../../../api/storeAftersales';
import { useI18n, type Translate } from '../../../i18n';
import { formatDateTime } from '../../../shared/format';
import { problemText } from '../../../shared/problems';
import { useSession } from '../../../shared/session';
import { useAsync } from '../../../shared/useAsync';
import { Stepper, signInPath } from '../buy';
import { PageHeader } from '../PageHeader';
import { Price } from '../Price';
import { EmptyState, ErrorState } from '../States';
import { useToast } from '../Toast';
import { allowedFor, fenText, isPerishable, kindsFor, maxRefundFen, parseYuan, reasonNeedsPhoto, NO_REASON_DAYS, PERISHABLE_HOURS, type Kind } from './rules';
import './aftersales.css';

const MAX_PHOTOS = 9;
const HOUR = 3_600_000;

interface Photo {
  key: string;
  preview: string;
  status: 'uploading' | 'done' | 'failed';
  id?: string;
  error?: string;
}

type Field = 'lines' | 'kind' | 'reason' | 'photos' | 'amount' | 'form';
type Errors = Partial<Record<Field, string>>;

/** Which field a server problem is about, from its JSON pointer. */
function fieldOf(pointer: string): Field {
  if (pointer.startsWith('/body/items')) return 'lines';
  if (pointer === '/body/kind') return 'kind';
  if (pointer === '/body/reasonCode' || pointer === '/body/reasonText') return 'reason';
  if (pointer.startsWith('/body/photoIds')) return 'photos';
  if (pointer === '/body/amountFen') return 'amount';
  return 'form';
}

function serverErrors(err: unknown, t: Translate): Errors {
  const text = problemText(err, t);
  if (!(err instanceof ProblemError)) return { form: text };
  if (err.code === 'amount_too_large' && typeof err.body.maxFen === 'number') return { amount: t('myAs.amountOver', { max: fenText(err.body.maxFen) }) };
  const out: Errors = {};
  for (const e of err.errors) {
    const f = fieldOf(e.pointer);
    if (!out[f]) out[f] = text;
  }
  return Object.keys(out).length ? out : { form: text };
}

function Rules({ order, lines }: { order: Order; lines: OrderItem[] }) {
  const { t } = useI18n();
  const allowed = allowedFor(order, lines);
  const perishable = lines.filter(isPerishable);
  const delivered = order.deliveredAt ? Date.parse(order.deliveredAt) : null;
  const items: string[] = [];
  if (allowed.beforeDelivery) items.push(t('myAs.rule.beforeDelivery'));
  else if (delivered !== null) {
    const titles = perishable.map((l) => l.title).join('、');
    if (perishable.length) {
      items.push(allowed.blocked === 'perishable_window'
        ? t('myAs.rule.perishableClosed', { titles, at: formatDateTime(order.deliveredAt) })
        : t('myAs.rule.perishable', { titles, until: formatDateTime(new Date(delivered + PERISHABLE_HOURS * HOUR).toISOString()) }));
    }
    if (lines.some((l) => !isPerishable(l))) {
      items.push(allowed.noReason === 'window_closed' || (allowed.noReason === 'perishable' && Date.now() - delivered > NO_REASON_DAYS * 24 * HOUR)
        ? t('myAs.rule.sevenDayClosed')
        : t('myAs.rule.sevenDay', { until: formatDateTime(new Date(delivered + NO_REASON_DAYS * 24 * HOUR).toISOString()) }));
    }
  }
  items.push(t('myAs.rule.amount'));
  return (
    <section className="panel as-rules" aria-labelledby="as-rules-h" data-testid="as-rules">
      <h2 id="as-rules-h">{t('myAs.rulesTitle')}</h2>
      <ul>{items.map((x) => <li key={x}>{x}</li>)}</ul>
    </section>
  );
}

function ApplyForm({ order, cases }: { order: Order; cases: AftersalesCase[] }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const toast = useToast();
  const [chosen, setChosen] = useState<Record<string, number>>(() => (order.items.length === 1 ? { [order.items[0]!.id]: order.items[0]!.quantity } : {}));
  const [reason, setReason] = useState<ReasonCode | null>(order.deliveredAt ? null : 'not_received');
  const [kind, setKind] = useState<Kind | null>(order.deliveredAt ? null : 'refund_only');
  const [text, setText] = useState('');
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [amountText, setAmountText] = useState('');
  const [amountTouched, setAmountTouched] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const cameraRef = useRef<HTMLInputElement>(null);
  const albumRef = useRef<HTMLInputElement>(null);

  const chosenLines = order.items.filter((l) => chosen[l.id]);
  // With nothing chosen yet, explain the rules for the whole order.
  const ruleLines = chosenLines.length ? chosenLines : order.items;
  const allowed = allowedFor(order, ruleLines);
  const kinds = kindsFor(allowed, reason);
  const needPhoto = reasonNeedsPhoto(allowed, reason);
  const maxFen = useMemo(() => maxRefundFen(order, chosenLines.map((line) => ({ line, quantity: chosen[line.id]! })), cases),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [order, cases, JSON.stringify(chosen)]);

  // The amount follows the most allowed until the buyer types their own.
  useEffect(() => { if (!amountTouched) setAmountText(chosenLines.length ? fenText(maxFen) : ''); }, [maxFen, amountTouched, chosenLines.length]);
  // A reason or kind the new choice of lines no longer allows is dropped.
  useEffect(() => { if (reason && !allowed.reasons.includes(reason)) setReason(null); }, [allowed.reasons.join(), reason]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (kind && !kinds.includes(kind)) setKind(kinds.length === 1 ? kinds[0]! : null);
    else if (!kind && kinds.length === 1) setKind(kinds[0]!);
  }, [kinds.join(), kind]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => () => photos.forEach((p) => URL.revokeObjectURL(p.preview)), []); // eslint-disable-line react-hooks/exhaustive-deps

  const clear = (f: Field) => setErrors((e) => (e[f] || e.form ? { ...e, [f]: undefined, form: undefined } : e));

  const toggle = (line: OrderItem) => {
    setChosen((c) => {
      const next = { ...c };
      if (next[line.id]) delete next[line.id];
      else next[line.id] = line.quantity;
      return next;
    });
    clear('lines');
  };

  const addFiles = (files: FileList | null) => {
    if (!files) return;
    const room = MAX_PHOTOS - photos.length;
    const list = Array.from(files).slice(0, Math.max(0, room));
    clear('photos');
    for (const file of list) {
      const key = `${Date.now()}-${Math.random()}`;
      const photo: Photo = { key, preview: URL.createObjectURL(file), status: 'uploading' };
      setPhotos((ps) => [...ps, photo]);
      storeAftersalesApi.uploadPhoto(file, file.name).then(
        (r) => setPhotos((ps) => ps.map((p) => (p.key === key ? { ...p, status: 'done', id: r.id } : p))),
        (err: unknown) => setPhotos((ps) => ps.map((p) => (p.key === key ? { ...p, status: 'failed', error: problemText(err, t) } : p))),
      );
    }
    if (files.length > room) setErrors((e) => ({ ...e, photos: t('problem.too_many_photos') }));
  };

  const removePhoto = (key: string) => {
    setPhotos((ps) => {
      const p = ps.find((x) => x.key === key);
      if (p) URL.revokeObjectURL(p.preview);
      return ps.filter((x) => x.key !== key);
    });
    clear('photos');
  };

  const submit = async () => {
    const e: Errors = {};
    if (!chosenLines.length) e.lines = t('myAs.chooseOne');
    if (!reason) e.reason = t('myAs.chooseReason');
    const amountFen = parseYuan(amountText);
    if (amountFen === null || amountFen < 1) e.amount = maxFen < 1 && chosenLines.length ? t('myAs.amountZero') : t('myAs.amountBad');
    else if (amountFen > maxFen) e.amount = t('myAs.amountOver', { max: fenText(maxFen) });
    const done = photos.filter((p) => p.status === 'done');
    if (photos.some((p) => p.status === 'uploading')) e.photos = t('myAs.waitUpload');
    else if (needPhoto && !done.length) e.photos = t('myAs.needPhoto');
    if (Object.keys(e).length) { setErrors(e); return; }
    setBusy(true);
    setErrors({});
    try {
      const c = await storeAftersalesApi.open({
        orderId: order.id, kind: kind ?? kinds[0]!, reasonCode: reason!, reasonText: text.trim() || undefined,
        items: chosenLines.map((l) => ({ orderItemId: l.id, quantity: chosen[l.id]! })), amountFen: amountFen!,
        photoIds: done.length ? done.map((p) => p.id!) : undefined,
      });
      toast(t('myAs.submitted'));
      navigate(`/me/aftersales/${c.id}`, { replace: true });
    } catch (err) {
      if (isProblem(err, 'aftersales_open') && typeof err.body.caseId === 'string') {
        navigate(`/me/aftersales/${err.body.caseId}`, { replace: true });
        toast(t('problem.aftersales_open'));
        return;
      }
      setErrors(serverErrors(err, t));
      setBusy(false);
    }
  };

  const blocked = chosenLines.length > 0 && allowed.blocked !== null;
  return (
    <div className="as-form">
      <Rules order={order} lines={ruleLines} />

      <section className="panel" aria-labelledby="as-lines-h">
        <h2 id="as-lines-h">{t('myAs.chooseLines')}</h2>
        <ul className="lines as-lines">
          {order.items.map((l) => {
            const on = !!chosen[l.id];
            return (
              <li key={l.id} className={on ? 'line as-line on' : 'line as-line'} data-testid="as-line">
                <label className="as-check">
                  <input type="checkbox" checked={on} onChange={() => toggle(l)} aria-label={t('myAs.choose', { title: l.title })} />
                </label>
                <div className="line-body">
                  <span className="line-title">{l.title}</span>
                  <span className="line-spec">
                    {isPerishable(l) ? <span className="tag tag-red">{t('myAs.perishableTag')}</span> : <span className="tag tag-green">{t('myAs.sevenDayTag')}</span>}
                    {l.spec}
                  </span>
                  <div className="line-foot">
                    <Price fen={l.unitPriceFen} />
                    {on && l.quantity > 1
                      ? <Stepper value={chosen[l.id]!} max={l.quantity} label={t('buy.quantity')} onChange={(n) => setChosen((c) => ({ ...c, [l.id]: Math.max(1, Math.min(l.quantity, n)) }))} />
                      : <span className="muted">×{l.quantity}</span>}
                  </div>
                </div>
              </li>
            );
          })}
        </ul>
        {errors.lines && <div className="field-error" role="alert">{errors.lines}</div>}
        {blocked && <div className="form-error" role="alert" style={{ marginTop: 8 }}>{t('myAs.blocked')}</div>}
      </section>

      {!blocked && (
        <>
          <section className="panel" aria-labelledby="as-reason-h">
            <h2 id="as-reason-h">{t('myAs.reason')}</h2>
            <div className="sku-chips as-chips" role="group" aria-labelledby="as-reason-h">
              {allowed.reasons.map((r) => (
                <button key={r} type="button" className="chip" aria-pressed={reason === r} onClick={() => { setReason(r); clear('reason'); clear('kind'); }}>{t(`myAs.reason.${r}`)}</button>
              ))}
            </div>
            {errors.reason && <div className="field-error" role="alert">{errors.reason}</div>}

            <h2 id="as-kind-h" style={{ marginTop: 14 }}>{t('myAs.kind')}</h2>
            <div className="as-kinds" role="radiogroup" aria-labelledby="as-kind-h">
              {(['refund_only', 'return_and_refund'] as const).map((k) => {
                const ok = kinds.includes(k);
                return (
                  <button key={k} type="button" role="radio" aria-checked={kind === k} disabled={!ok} className="as-kind" onClick={() => { setKind(k); clear('kind'); }}>
                    <strong>{t(`myAs.kind.${k}`)}</strong>
                    <span>{t(`myAs.kindHint.${k}`)}</span>
                  </button>
                );
              })}
            </div>
            {errors.kind && <div className="field-error" role="alert">{errors.kind}</div>}
          </section>

          <section className="panel" aria-labelledby="as-photos-h">
            <div className="field">
              <label htmlFor="as-text" style={{ fontSize: 'inherit', color: 'inherit', fontWeight: 600 }}>{t('myAs.description')}</label>
              <textarea id="as-text" className="as-textarea" rows={3} maxLength={500} value={text} placeholder={t('myAs.descriptionPlaceholder')} onChange={(e) => setText(e.target.value)} />
            </div>
            <h2 id="as-photos-h">{needPhoto ? t('myAs.photosRequired') : t('myAs.photos')}</h2>
            <p className="form-note">{t('myAs.photosHint')}</p>
            <ul className="as-photos">
              {photos.map((p, i) => (
                <li key={p.key} className={`as-photo ${p.status}`} data-testid="as-photo">
                  <img src={p.preview} alt={t('myAs.photoN', { n: i + 1 })} />
                  {p.status === 'uploading' && <span className="as-photo-state">{t('myAs.uploading')}</span>}
                  {p.status === 'failed' && <span className="as-photo-state failed" role="alert">{t('myAs.photoFailed')}：{p.error}</span>}
                  <button type="button" className="as-photo-remove" onClick={() => removePhoto(p.key)} aria-label={t('myAs.removePhoto', { n: i + 1 })}>×</button>
                </li>
              ))}
            </ul>
            {photos.length < MAX_PHOTOS && (
              <div className="as-photo-buttons">
                <button type="button" className="btn" onClick={() => cameraRef.current?.click()}>{t('myAs.takePhoto')}</button>
                <button type="button" className="btn" onClick={() => albumRef.current?.click()}>{t('myAs.fromAlbum')}</button>
              </div>
            )}
            <input ref={cameraRef} type="file" accept="image/jpeg,image/png,image/webp" capture="environment" hidden data-testid="as-camera"
              onChange={(e) => { addFiles(e.target.files); e.target.value = ''; }} />
            <input ref={albumRef} type="file" accept="image/jpeg,image/png,image/webp" multiple hidden data-testid="as-album"
              onChange={(e) => { addFiles(e.target.files); e.target.value = ''; }} />
            {errors.photos && <div className="field-error" role="alert">{errors.photos}</div>}
          </section>

          <section className="panel" aria-labelledby="as-amount-h">
            <div className="field">
              <label htmlFor="as-amount" id="as-amount-h" style={{ fontSize: 'inherit', color: 'inherit', fontWeight: 600 }}>{t('myAs.amount')}</label>
              <div className="as-amount">
                <span aria-hidden="true">¥</span>
                <input id="as-amount" inputMode="decimal" value={amountText} aria-invalid={!!errors.amount} aria-describedby="as-amount-max"
                  onChange={(e) => { setAmountText(e.target.value.replace(/[^\d.]/g, '')); setAmountTouched(true); clear('amount'); }} />
              </div>
              {chosenLines.length > 0 && <span id="as-amount-max" className="muted" data-testid="as-amount-max">{t('myAs.amountMax', { max: fenText(maxFen) })} · {t('myAs.amountMaxNote')}</span>}
              {errors.amount && <div className="field-error" role="alert">{errors.amount}</div>}
            </div>
          </section>
        </>
      )}

      {errors.form && <div className="form-error" role="alert" style={{ margin: 8 }}>{errors.form}</div>}
      <div className="checkout-bar">
        <div className="total">
          <span>{t('myAs.amount')}</span> <Price fen={parseYuan(amountText) ?? 0} />
        </div>
        <button type="button" className="btn btn-primary" onClick={() => void submit()} disabled={busy || blocked} data-testid="as-submit">{busy ? t('myAs.submitting') : t('myAs.submit')}</button>
      </div>
    </div>
  );
}

/** /me/orders/:id/aftersales */
export function ApplyPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const session = useSession();
  const signedIn = session.status === 'signedIn';
  const data = useAsync(async (signal) => {
    if (!signedIn) return null;
    const [order, cases] = await Promise.all([ordersApi.get(id, signal), storeAftersalesApi.mine({ orderId: id, limit: 50 }, signal)]);
    return { order, cases: cases.items };
  }, [id, signedIn]);
  useEffect(() => { document.title = `${t('myAs.applyTitle')} - ${t('app.name')}`; }, [t]);
  if (session.status !== 'loading' && !signedIn) return <Navigate to={signInPath(`/me/orders/${id}/aftersales`)} replace />;
  let body;
  if (data.error && !data.data) body = <ErrorState error={data.error} onRetry={data.reload} />;
  else if (!data.data) body = <div className="state" role="status">{t('common.loading')}</div>;
  else {
    const { order, cases } = data.data;
    const open = cases.find((c) => OPEN_CASE_STATUSES.includes(c.status));
    if (open) {
      body = <EmptyState title={t('myAs.openExists')} action={<Link to={`/me/aftersales/${open.id}`} className="btn btn-primary">{t('myAs.viewCase')}</Link>} />;
    } else if (!['shipped', 'delivered', 'completed'].includes(order.status) || order.totalFen - order.refundedFen <= 0) {
      body = <EmptyState title={t('myAs.notAllowed')} action={<Link to={`/me/orders/${order.id}`} className="btn btn-primary">{t('order.title')}</Link>} />;
    } else body = <ApplyForm order={order} cases={cases} />;
  }
  return (
    <>
      <PageHeader title={t('myAs.applyTitle')} />
      {body}
    </>
  );
}
