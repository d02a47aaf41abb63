import { api } from './client';
import type {
  Licence, LicenceCreate, LicenceKind, LicenceStatus, Page, PageQuery, Supplier, SupplierCreate, SupplierDetail, SupplierPatch,
  SupplierStatus, SupplierType,
} from './types';

const id = (s: string) => encodeURIComponent(s);

export interface SupplierListQuery extends PageQuery {
  q?: string | undefined;
  type?: SupplierType | undefined;
  status?: SupplierStatus | undefined;
  countyCode?: string | undefined;
}

export interface LicenceListQuery extends PageQuery {
  status?: LicenceStatus | undefined;
  kind?: LicenceKind | undefined;
  supplierId?: string | undefined;
  expiringWithinDays?: number | undefined;
}

export const suppliersApi = {
  list: (q: SupplierListQuery) => api.get<Page<Supplier>>('/suppliers', { ...q }),
  get: (supplierId: string) => api.get<SupplierDetail>(`/suppliers/${id(supplierId)}`),
  create: (input: SupplierCreate) => api.post<SupplierDetail>('/suppliers', input),
  update: (supplierId: string, patch: SupplierPatch) => api.patch<SupplierDetail>(`/suppliers/${id(supplierId)}`, patch),
  /** Suspends a supplier (its products come off sale at once) or reinstates it; both need a reason. */
  suspend: (supplierId: string, reason: string) => api.post<SupplierDetail & { unlistedProductIds: string[] }>(`/suppliers/${id(supplierId)}/suspend`, { reason }),
  reinstate: (supplierId: string, reason: string) => api.post<SupplierDetail>(`/suppliers/${id(supplierId)}/reinstate`, { reason }),
  submitLicence: (supplierId: string, input: LicenceCreate) => api.post<Licence>(`/suppliers/${id(supplierId)}/licences`, input),
};

export const licencesApi = {
  list: (q: LicenceListQuery) => api.get<Page<Licence>>('/licences', { ...q }),
  get: (licenceId: string) => api.get<Licence>(`/licences/${id(licenceId)}`),
  update: (licenceId: string, patch: Partial<LicenceCreate>) => api.patch<Licence>(`/licences/${id(licenceId)}`, patch),
  uploadScan: (licenceId: string, file: Blob) => api.upload<Licence>('PUT', `/licences/${id(licenceId)}/scan`, file),
  scan: (licenceId: string, signal?: AbortSignal) => api.blob(`/api/v1/licences/${id(licenceId)}/scan`, signal),
  /** `seenUpdatedAt`: the licence as the reviewer saw it; a later change is refused (stale_review). */
  review: (licenceId: string, verdict: 'verify' | 'reject', seenUpdatedAt: string, reason?: string) =>
    api.post<Licence>(`/licences/${id(licenceId)}/review`, { verdict, expectedUpdatedAt: seenUpdatedAt, ...(reason ? { reason } : {}) }),
};
