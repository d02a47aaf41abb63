import type { Batch, StoreLicence, StoreProduct } from '../../api/types';
import { useI18n } from '../../i18n';
import { formatDay } from '../../shared/format';
import { licenceKindLabel } from '../../shared/problems';
import { IconInfo, IconShield } from './icons';

/** 溯源: the harvest or production batches, with the date and best-before date. */
export function BatchSection({ batches }: { batches: Batch[] }) {
  const { t, lang } = useI18n();
  if (batches.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="batches-h">
      <h2 id="batches-h">{t('store.batches.title')}</h2>
      {batches.map((b) => (
        <div key={b.id} className="batch">
          <div>
            {b.kind === 'harvest' ? t('store.batches.harvestedOn', { date: formatDay(b.producedOn, lang) }) : t('store.batches.producedOn', { date: formatDay(b.producedOn, lang) })}
            {' · '}
            {t('store.batches.bestBefore', { date: formatDay(b.bestBefore, lang) })}
          </div>
          <div className="batch-no">
            {t('store.batches.batchNo', { no: b.batchNo })} · {t('store.batches.quantity', { quantity: b.quantity, unit: b.quantityUnit })}
          </div>
          {b.note && <div className="batch-no">{b.note}</div>}
        </div>
      ))}
    </section>
  );
}

function Certificate({ licence }: { licence: StoreLicence }) {
  const { t, lang } = useI18n();
  return (
    <div className="cert">
      <div className="cert-title"><IconShield size={18} />{licenceKindLabel(licence.kind, t)}</div>
      <dl>
        <dt>{t('store.cert.holder')}</dt><dd>{licence.holderName}</dd>
        {licence.number && (<><dt>{t('store.cert.number')}</dt><dd>{licence.number}</dd></>)}
        {licence.scope && (<><dt>{t('store.cert.scope')}</dt><dd>{licence.scope}</dd></>)}
        <dt>{t('store.cert.validUntil')}</dt><dd>{formatDay(licence.expiresOn, lang)}</dd>
      </dl>
    </div>
  );
}

/** 资质证照: the verified certificate and licences that back this listing. */
export function LicenceSection({ licences }: { licences: StoreLicence[] }) {
  const { t } = useI18n();
  return (
    <section className="panel" aria-labelledby="certs-h">
      <h2 id="certs-h">{t('store.cert.title')}</h2>
      {licences.length === 0 ? <p className="form-note">{t('store.cert.none')}</p> : licences.map((l, i) => <Certificate key={`${l.kind}-${i}`} licence={l} />)}
      <p className="form-note" style={{ margin: '8px 0 0' }}>{t('store.cert.note')}</p>
    </section>
  );
}

/** The supplier's own story: who grows it, where. */
export function SupplierSection({ supplier }: { supplier: StoreProduct['supplier'] }) {
  const { t } = useI18n();
  return (
    <section className="panel" aria-labelledby="supplier-h">
      <h2 id="supplier-h">{t('store.supplier.title')}</h2>
      <div style={{ fontWeight: 600 }}>
        {supplier.name} <span className="tag tag-green">{t(`supplierType.${supplier.type}`)}</span>
      </div>
      {supplier.villageName && <div className="form-note" style={{ margin: '2px 0 0' }}>{t('store.supplier.from', { place: supplier.villageName })}</div>}
      {supplier.story && <p className="story">{supplier.story}</p>}
      {supplier.description && supplier.description !== supplier.story && <p className="story form-note">{supplier.description}</p>}
    </section>
  );
}

/** 售后: fresh food cannot be returned without reason; quality problems always can. */
export function ReturnsSection({ policy }: { policy: string }) {
  const { t } = useI18n();
  return (
    <section className="panel" aria-labelledby="returns-h">
      <h2 id="returns-h">{t('store.returns.title')}</h2>
      <div className="returns">
        <IconInfo size={20} />
        <span>{policy === 'quality_only' ? t('store.returns.quality_only') : t('store.returns.seven_day')}</span>
      </div>
    </section>
  );
}
