import { useMemo } from 'react';
import { suppliersApi } from '../../api/suppliers';
import { useAsync } from '../../shared/useAsync';

/**
 * Names for per-party accounts. The ledger answers with party ids only: suppliers are looked up
 * among the county's suppliers; hosts have no lookup the center can read, so they show their id.
 */
export function usePartyNames(countyCode: string | undefined) {
  const state = useAsync(() => (countyCode ? suppliersApi.list({ countyCode, limit: 100 }).then((p) => p.items) : Promise.resolve([])), [countyCode]);
  return useMemo(() => {
    const m = new Map((state.data ?? []).map((s) => [s.id, s.name]));
    return (id: string | null): string | null => (id ? m.get(id) ?? id : null);
  }, [state.data]);
}
