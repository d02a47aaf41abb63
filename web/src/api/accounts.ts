import { api } from './client';
import type { AuditItem, Center, NotificationItem, Page, PageQuery, Region, Role, UserSummary } from './types';

export const usersApi = {
  list: (q: PageQuery & { phone?: string | undefined; role?: Role | undefined }) => api.get<Page<UserSummary>>('/users', { ...q }),
  create: (input: { phone: string; name: string; password: string }) => api.post<{ id: string }>('/users', input),
  grantRole: (userId: string, input: { role: Role; regionPrefix?: string | undefined; supplierId?: string | undefined }) =>
    api.post<{ id: string }>(`/users/${encodeURIComponent(userId)}/roles`, input),
  revokeRole: (userId: string, grantId: string) => api.delete<{ ok: true }>(`/users/${encodeURIComponent(userId)}/roles/${encodeURIComponent(grantId)}`),
  unlock: (userId: string) => api.post<{ ok: true }>(`/users/${encodeURIComponent(userId)}/unlock`),
};

export const centersApi = {
  list: () => api.get<{ items: Center[] }>('/centers'),
};

export const regionsApi = {
  children: (parent?: string) => api.get<{ items: Region[] }>('/regions', { parent }),
};

export const auditApi = {
  list: (q: PageQuery & { action?: string | undefined }) => api.get<Page<AuditItem>>('/audit', { ...q }),
};

export const notificationsApi = {
  list: (q: PageQuery & { unread?: boolean | undefined }) => api.get<Page<NotificationItem> & { unreadCount: number }>('/notifications', { ...q }),
  markRead: (id: string) => api.post<{ ok: true }>(`/notifications/${encodeURIComponent(id)}/read`),
};
