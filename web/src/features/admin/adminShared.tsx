/** Small pieces every console page uses: status tags, form error handling, load-more, drawer width. */
import { App, Button, Grid, Result, Tag, type FormInstance } from 'antd';
import { useCallback, useState } from 'react';
import { Link } from 'react-router-dom';
import { isProblem } from '../../api/client';
import type { LicenceStatus, ProductStatus, SaleMode, SupplierStatus } from '../../api/types';
import { useI18n, type Translate } from '../../i18n';
import { fieldMessages, problemText } from '../../shared/problems';

const LICENCE_COLOURS: Record<LicenceStatus, string> = { submitted: 'processing', verified: 'success', rejected: 'error', expired: 'default' };
const PRODUCT_COLOURS: Record<ProductStatus, string> = { draft: 'default', on_sale: 'success', off_sale: 'warning' };

export function LicenceStatusTag({ status, expiringSoon }: { status: LicenceStatus; expiringSoon?: boolean }) {
  const { t } = useI18n();
  return (
    <>
      <Tag color={LICENCE_COLOURS[status]}>{t(`licenceStatus.${status}`)}</Tag>
      {expiringSoon && <Tag color="warning">{t('licence.expiringSoon')}</Tag>}
    </>
  );
}

export function ProductStatusTag({ status }: { status: ProductStatus }) {
  const { t } = useI18n();
  return <Tag color={PRODUCT_COLOURS[status]}>{t(`productStatus.${status}`)}</Tag>;
}

export function SupplierStatusTag({ status }: { status: SupplierStatus }) {
  const { t } = useI18n();
  return <Tag color={status === 'active' ? 'green' : 'red'}>{t(`supplierStatus.${status}`)}</Tag>;
}

export function SaleModeTag({ mode }: { mode: SaleMode }) {
  const { t } = useI18n();
  return <Tag color={mode === 'presale' ? 'orange' : 'blue'}>{t(`saleMode.${mode}`)}</Tag>;
}

/**
 * Puts field errors from a failed request next to their fields (what was typed stays).
 * Returns the messages for fields the form does not have, or null when none matched.
 */
export function applyFieldErrors(form: FormInstance, err: unknown, t: Translate, aliases: Record<string, string> = {}): string[] | null {
  const fields = fieldMessages(err, t, aliases);
  if (!Object.keys(fields).length) return null;
  const registered = new Set(form.getFieldsError().map((f) => f.name.join('.')));
  const onForm = Object.entries(fields).filter(([name]) => registered.has(name));
  form.setFields(onForm.map(([name, msg]) => ({ name, errors: [msg] })));
  if (onForm[0]) form.scrollToField(onForm[0][0]);
  return Object.entries(fields).filter(([name]) => !registered.has(name)).map(([, msg]) => msg);
}

/** Shows a failed request: field errors on the form, everything else as a message in plain words. */
export function useProblemHandler() {
  const { message } = App.useApp();
  const { t } = useI18n();
  return useCallback((err: unknown, form?: FormInstance, aliases: Record<string, string> = {}) => {
    const elsewhere = form ? applyFieldErrors(form, err, t, aliases) : null;
    if (elsewhere === null) message.error(problemText(err, t));
    else if (elsewhere.length) message.error(elsewhere.join(t('common.listSeparator')));
    else message.warning(t('form.fixFields'));
  }, [message, t]);
}

/**
 * The submit every console form shares: busy while `action` runs, and a failure shown through
 * useProblemHandler (field errors beside their fields, what was typed stays). Pass `submit` to onFinish.
 */
export function useFormSubmit<V>(form: FormInstance<V>, action: (values: V) => Promise<void>, aliases?: Record<string, string>) {
  const [busy, setBusy] = useState(false);
  const handle = useProblemHandler();
  const run = async (values: V) => {
    setBusy(true);
    try {
      await action(values);
    } catch (err) {
      handle(err, form, aliases);
    } finally {
      setBusy(false);
    }
  };
  return { busy, submit: (values: V) => void run(values) };
}

/** A detail page that did not load: not found (with the way back to its list), or anything else with a retry. */
export function LoadFailed({ error, notFound, backTo, backLabel, onRetry }: { error: unknown; notFound: string; backTo: string; backLabel: string; onRetry: () => void }) {
  const { t } = useI18n();
  return isProblem(error) && error.status === 404
    ? <Result status="404" title={notFound} extra={<Link to={backTo}><Button>{backLabel}</Button></Link>} />
    : <Result status="warning" title={problemText(error, t)} extra={<Button onClick={onRetry}>{t('common.retry')}</Button>} />;
}

export function LoadMore({ hasMore, loading, onMore, count }: { hasMore: boolean; loading: boolean; onMore: () => void; count: number }) {
  const { t } = useI18n();
  if (count === 0) return null;
  return (
    <div style={{ textAlign: 'center', padding: '12px 0' }}>
      {hasMore ? <Button onClick={onMore} loading={loading}>{t('common.loadMore')}</Button> : <span style={{ color: '#999' }}>{t('common.allShown', { count })}</span>}
    </div>
  );
}

/** Drawers take the whole width on a phone. */
export function useDrawerSize(desktop = 560): number | string {
  const screens = Grid.useBreakpoint();
  return screens.md ? desktop : '100%';
}
