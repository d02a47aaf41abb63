import type { Ctx } from '../../context.js';
import { LICENCE_LABELS, validLicenceKinds, type LicenceKind } from '../suppliers/index.js';

export interface ListingCheck {
  ok: boolean;
  /** Each inner list is one unmet requirement: any one of its kinds would satisfy it. */
  missing: LicenceKind[][];
}

/**
 * The listing rule: a product may go on sale only when its supplier holds, for every
 * requirement group of the product's category, one verified unexpired licence of a kind
 * in that group. The groups are rows in category_licence_requirement, not code.
 */
export async function checkListingRule(ctx: Ctx, categoryCode: string, supplierId: string): Promise<ListingCheck> {
  const rows = await ctx.db.selectFrom('category_licence_requirement').select(['requirement_group', 'licence_kind'])
    .where('category_code', '=', categoryCode).orderBy('requirement_group').orderBy('licence_kind').execute();
  if (rows.length === 0) return { ok: true, missing: [] };
  const held = new Set(await validLicenceKinds(ctx, supplierId));
  const groups = new Map<number, LicenceKind[]>();
  for (const r of rows) groups.set(r.requirement_group, [...(groups.get(r.requirement_group) ?? []), r.licence_kind]);
  const missing = [...groups.values()].filter((kinds) => !kinds.some((k) => held.has(k)));
  return { ok: missing.length === 0, missing };
}

export function describeMissing(missing: LicenceKind[][]): { zh: string; en: string } {
  const part = (lang: 'zh' | 'en') => missing.map((g) => g.map((k) => LICENCE_LABELS[k][lang]).join(lang === 'zh' ? ' 或 ' : ' or ')).join(lang === 'zh' ? '；' : '; ');
  return {
    zh: `该类目上架需要供货商持有已审核且在有效期内的：${part('zh')}`,
    en: `This category needs the supplier to hold a verified, unexpired ${part('en')}`,
  };
}
