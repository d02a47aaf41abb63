import { useEffect, useId, useState, type FormEvent } from 'react';
import { regionsApi } from '../../api/accounts';
import { isProblem } from '../../api/client';
import { addressesApi, type Address } from '../../api/orders';
import type { Region } from '../../api/types';
import { useI18n } from '../../i18n';
import { PHONE_RE } from '../../shared/format';
import { fieldMessages, problemText } from '../../shared/problems';
import { Sheet } from './buy';

const regionCache = new Map<string, Promise<Region[]>>();
/** Region lists hardly change: ask once per parent per page load. */
function children(parent: string): Promise<Region[]> {
  let p = regionCache.get(parent);
  if (!p) {
    p = regionsApi.children(parent || undefined).then((r) => r.items);
    p.catch(() => regionCache.delete(parent));
    regionCache.set(parent, p);
  }
  return p;
}

type Level = 'province' | 'city' | 'county' | 'township';
const LEVELS: Level[] = ['province', 'city', 'county', 'township'];

/** Province → city → county → township, each list loaded from GET /regions?parent=. */
function RegionPicker({ value, onChange, error }: { value: string[]; onChange: (codes: string[]) => void; error?: string | undefined }) {
  const { t } = useI18n();
  const baseId = useId();
  const [lists, setLists] = useState<Region[][]>([[], [], [], []]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const parents = ['', ...value];
  useEffect(() => {
    let stale = false;
    LEVELS.forEach((_, i) => {
      const parent = parents[i];
      if (i > 0 && !parent) { setLists((l) => l.map((x, j) => (j === i ? [] : x))); return; }
      children(parent ?? '').then(
        (items) => { if (!stale) setLists((l) => l.map((x, j) => (j === i ? items : x))); },
        (err: unknown) => { if (!stale) setLoadError(problemText(err, t)); },
      );
    });
    return () => { stale = true; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value.join(',')]);
  const pick = (i: number, code: string) => onChange([...value.slice(0, i), code].filter(Boolean));
  return (
    <fieldset className="field region-picker">
      <legend>{t('address.region')}</legend>
      {LEVELS.map((level, i) => {
        const list = lists[i] ?? [];
        if (i > 0 && !value[i - 1]) return null;
        if (i === 3 && list.length === 0) return null;
        return (
          <select key={level} id={`${baseId}-${level}`} aria-label={t(`address.level.${level}`)} value={value[i] ?? ''} onChange={(e) => pick(i, e.target.value)}
            aria-invalid={error && !value[i] ? true : undefined} data-testid={`region-${level}`}>
            <option value="">{t('address.choose', { level: t(`address.level.${level}`) })}</option>
            {list.map((r) => <option key={r.code} value={r.code}>{r.name}</option>)}
          </select>
        );
      })}
      {(error || loadError) && <span className="field-error">{error ?? loadError}</span>}
    </fieldset>
  );
}

/** Recipient, phone, region, detail: a new address, or changes to one. */
export function AddressForm({ onSaved, onCancel, first }: { onSaved: (a: Address) => void; onCancel: () => void; first: boolean }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [codes, setCodes] = useState<string[]>([]);
  const [detail, setDetail] = useState('');
  const [isDefault, setIsDefault] = useState(first);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [townships, setTownships] = useState<boolean | null>(null);
  const county = codes[2];
  // A corrected field drops its message; the rest stay until the next save.
  const edit = <T,>(field: string, set: (v: T) => void) => (v: T) => {
    set(v);
    setErrors((e) => (field in e ? Object.fromEntries(Object.entries(e).filter(([k]) => k !== field)) : e));
  };
  useEffect(() => {
    setTownships(null);
    if (!county) return;
    children(county).then((items) => setTownships(items.length > 0), () => setTownships(false));
  }, [county]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!name.trim()) local.recipientName = t('address.err.name');
    if (!PHONE_RE.test(phone)) local.phone = t('address.err.phone');
    const regionCode = townships ? codes[3] : codes[2];
    if (!regionCode) local.regionCode = townships && codes[2] ? t('address.err.township') : t('address.err.region');
    if (detail.trim().length < 2) local.detail = t('address.err.detail');
    setErrors(local);
    setGeneral(null);
    if (Object.keys(local).length || !regionCode) return;
    setBusy(true);
    try {
      onSaved(await addressesApi.create({ recipientName: name.trim(), phone, regionCode, detail: detail.trim(), isDefault }));
    } catch (err) {
      const fields = fieldMessages(err, t);
      setErrors(fields);
      if (!Object.keys(fields).length || !isProblem(err, 'validation_failed')) setGeneral(problemText(err, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="address-form">
      <div className="field">
        <label htmlFor="addr-name">{t('address.recipient')}</label>
        <input id="addr-name" autoComplete="name" maxLength={40} value={name} onChange={(e) => edit('recipientName', setName)(e.target.value)} aria-invalid={errors.recipientName ? true : undefined} />
        {errors.recipientName && <span className="field-error">{errors.recipientName}</span>}
      </div>
      <div className="field">
        <label htmlFor="addr-phone">{t('address.phone')}</label>
        <input id="addr-phone" type="tel" inputMode="numeric" autoComplete="tel" maxLength={11} value={phone} placeholder={t('auth.phonePlaceholder')}
          onChange={(e) => edit('phone', setPhone)(e.target.value.replace(/\D/g, ''))} aria-invalid={errors.phone ? true : undefined} />
        {errors.phone && <span className="field-error">{errors.phone}</span>}
      </div>
      <RegionPicker value={codes} onChange={edit('regionCode', setCodes)} error={errors.regionCode} />
      <div className="field">
        <label htmlFor="addr-detail">{t('address.detail')}</label>
        <textarea id="addr-detail" rows={2} maxLength={120} value={detail} placeholder={t('address.detailPlaceholder')}
          onChange={(e) => edit('detail', setDetail)(e.target.value)} aria-invalid={errors.detail ? true : undefined} />
        {errors.detail && <span className="field-error">{errors.detail}</span>}
      </div>
      <label className="check-row">
        <input type="checkbox" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} />
        {t('address.makeDefault')}
      </label>
      {general && <div className="form-error" role="alert">{general}</div>}
      <div className="form-buttons">
        <button type="button" className="btn" onClick={onCancel}>{t('common.cancel')}</button>
        <button type="submit" className="btn btn-primary" disabled={busy}>{busy ? t('address.saving') : t('address.save')}</button>
      </div>
    </form>
  );
}

export function AddressText({ address }: { address: Pick<Address, 'recipientName' | 'phone' | 'regionName' | 'detail'> }) {
  return (
    <>
      <div className="addr-who"><strong>{address.recipientName}</strong> <span>{address.phone}</span></div>
      <div className="addr-where">{address.regionName} {address.detail}</div>
    </>
  );
}

/** Choose one of my addresses, or add one. */
export function AddressSheet({ addresses, selectedId, onPick, onAdded, onClose, startAdding }: {
  addresses: Address[]; selectedId: string | undefined; onPick: (a: Address) => void; onAdded: (a: Address) => void; onClose: () => void; startAdding?: boolean;
}) {
  const { t } = useI18n();
  const [adding, setAdding] = useState(startAdding || addresses.length === 0);
  if (adding) {
    return (
      <Sheet title={t('address.add')} onClose={onClose} tall>
        <AddressForm first={addresses.length === 0} onSaved={onAdded} onCancel={() => (addresses.length ? setAdding(false) : onClose())} />
      </Sheet>
    );
  }
  return (
    <Sheet title={t('address.choose.title')} onClose={onClose} tall footer={<button type="button" className="btn btn-block btn-primary" onClick={() => setAdding(true)}>{t('address.add')}</button>}>
      <ul className="address-list" role="radiogroup" aria-label={t('address.choose.title')}>
        {addresses.map((a) => (
          <li key={a.id}>
            <button type="button" role="radio" aria-checked={a.id === selectedId} className="address-option" onClick={() => onPick(a)}>
              <AddressText address={a} />
              {a.isDefault && <span className="tag tag-red">{t('address.default')}</span>}
            </button>
          </li>
        ))}
      </ul>
    </Sheet>
  );
}
