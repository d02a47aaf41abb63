import { useSearchParams } from 'react-router-dom';
import type { StockFilters } from './FilterChips';

/** 有货 / 预售 kept in the address (?inStock=1&preSale=1), so Back and shared links keep them. */
export function useStockFilters(): [StockFilters, (v: StockFilters) => void, URLSearchParams] {
  const [params, setParams] = useSearchParams();
  const value = { inStock: params.get('inStock') === '1', preSale: params.get('preSale') === '1' };
  const set = (v: StockFilters) => {
    const next = new URLSearchParams(params);
    if (v.inStock) next.set('inStock', '1'); else next.delete('inStock');
    if (v.preSale) next.set('preSale', '1'); else next.delete('preSale');
    setParams(next, { replace: true });
  };
  return [value, set, params];
}
