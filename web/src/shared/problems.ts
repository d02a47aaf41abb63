/**
 * Turns server problems into plain words in the user's language. Known `code`s have
 * catalogue entries; field errors are matched by field name first, then by code.
 */
import { ProblemError, type FieldProblem } from '../api/client';
import { LICENCE_KINDS, type LicenceKind } from '../api/types';
import { hasKey, type MessageKey, type Translate } from '../i18n';

export function licenceKindLabel(kind: LicenceKind, t: Translate): string {
  return t(`licenceKind.${kind}`);
}

/** [["food_production","workshop_registration"],["produce_certificate"]] -> "食品生产许可证（SC） 或 食品小作坊登记证；食用农产品承诺达标合格证" */
export function requirementText(missing: readonly (readonly string[])[], t: Translate): string {
  return missing
    .map((group) => group.map((k) => ((LICENCE_KINDS as readonly string[]).includes(k) ? licenceKindLabel(k as LicenceKind, t) : k)).join(t('common.or')))
    .join(t('common.listSeparator'));
}

/** One sentence saying what went wrong, for a toast or an alert. */
export function problemText(err: unknown, t: Translate): string {
  if (err instanceof ProblemError) {
    const b = err.body;
    switch (err.code) {
      case 'licence_missing': {
        const missing = Array.isArray(b.missingLicences) ? (b.missingLicences as string[][]) : [];
        return t('problem.licence_missing', { licences: requirementText(missing, t) });
      }
      case 'account_locked': {
        const secs = typeof b.retryAfterSeconds === 'number' ? b.retryAfterSeconds : 900;
        return t('problem.account_locked', { minutes: Math.max(1, Math.ceil(secs / 60)) });
      }
      case 'insufficient_stock':
        return t('problem.insufficient_stock', { available: typeof b.available === 'number' ? b.available : 0 });
      case 'network_error':
        return t('problem.network_error');
      default: {
        const key = `problem.${err.code}`;
        if (hasKey(key)) return t(key);
        if (err.status >= 500) return t('problem.server_error');
        return t('problem.unknown', { detail: err.detail || String(err.status) });
      }
    }
  }
  if (err instanceof DOMException && err.name === 'AbortError') return t('problem.aborted');
  return t('problem.unexpected');
}

/** The message for one field problem: `field.<name>.<code>`, then `fieldCode.<code>`, then a generic one. */
export function fieldText(field: string, fp: FieldProblem, problemCode: string, t: Translate): string {
  const codes = [fp.code, problemCode].filter((c): c is string => !!c);
  for (const code of codes) {
    const specific = `field.${field}.${code}`;
    if (hasKey(specific)) return t(specific as MessageKey);
  }
  for (const code of codes) {
    const general = `fieldCode.${code}`;
    if (hasKey(general)) return t(general as MessageKey);
  }
  return t('fieldCode.fallback', { detail: fp.detail });
}

/**
 * Field messages keyed by form field. `aliases` maps API field names to form field names
 * (e.g. priceFen -> price when the form asks for yuan).
 */
export function fieldMessages(err: unknown, t: Translate, aliases: Record<string, string> = {}): Record<string, string> {
  if (!(err instanceof ProblemError)) return {};
  const out: Record<string, string> = {};
  for (const [field, fp] of Object.entries(err.fieldErrors())) {
    out[aliases[field] ?? field] = fieldText(field, fp, err.code, t);
  }
  return out;
}
