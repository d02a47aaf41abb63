import { useMemo } from 'react';
import { usersApi } from '../../api/accounts';
import { settlementApi, type HostPolicy } from '../../api/settlement';
import { hasRole, useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';

export interface HostRow {
  hostUserId: string;
  /** The host's name when the center admin can read users; else null (the API gives ids only). */
  name: string | null;
  phoneMasked: string | null;
  policy: HostPolicy | null;
}

/**
 * The county's hosts with their policies. The policies list has only hosts whose policy was set,
 * by id; the center admin also reads the county's users with the host role (names, and hosts
 * still on the default policy). An operator sees the set policies only.
 */
export function useCountyHosts(countyCode: string | undefined) {
  const { user } = useSession();
  const isAdmin = hasRole(user, ['center_admin']);
  const state = useAsync(async () => {
    if (!countyCode) return { policies: [] as HostPolicy[], users: [] as { id: string; name: string; phoneMasked: string }[] };
    const [policies, users] = await Promise.all([
      settlementApi.hostPolicies(countyCode).then((r) => r.items),
      isAdmin
        ? usersApi.list({ role: 'host', limit: 100 }).then((p) => p.items.filter((u) => u.roles.some((r) => r.role === 'host' && (countyCode.startsWith(r.regionPrefix) || r.regionPrefix.startsWith(countyCode)))))
          .catch(() => [])
        : Promise.resolve([]),
    ]);
    return { policies, users };
  }, [countyCode, isAdmin]);

  const rows: HostRow[] = useMemo(() => {
    const d = state.data;
    if (!d) return [];
    const byId = new Map(d.policies.map((p) => [p.hostUserId, p]));
    const out: HostRow[] = d.users.map((u) => ({ hostUserId: u.id, name: u.name, phoneMasked: u.phoneMasked, policy: byId.get(u.id) ?? null }));
    for (const p of d.policies) if (!d.users.some((u) => u.id === p.hostUserId)) out.push({ hostUserId: p.hostUserId, name: null, phoneMasked: null, policy: p });
    return out;
  }, [state.data]);
  return { rows, loading: state.loading, error: state.error, reload: state.reload, namesKnown: isAdmin };
}
