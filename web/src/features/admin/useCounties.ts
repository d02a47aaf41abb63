import { centersApi } from '../../api/accounts';
import type { Center, Role } from '../../api/types';
import { useAsync } from '../../shared/useAsync';
import { useSession } from '../../shared/session';

/** Counties served here that the user works in through one of `roles`. */
export function useMyCounties(roles: readonly Role[] = ['center_admin', 'operator']) {
  const { user } = useSession();
  const prefixes = (user?.roles ?? []).filter((r) => roles.includes(r.role)).map((r) => r.regionPrefix);
  const key = prefixes.join(',');
  const state = useAsync(() => centersApi.list().then((r) => r.items), []);
  const counties: Center[] = (state.data ?? []).filter((c) => prefixes.some((p) => c.countyCode.startsWith(p)));
  return { counties, loading: state.loading, error: state.error, key };
}
