export const SUPPLIER_TYPES = ['farmer', 'cooperative', 'family_farm', 'small_workshop', 'enterprise'] as const;
export type SupplierType = (typeof SUPPLIER_TYPES)[number];

export const LICENCE_KINDS = ['food_business', 'food_production', 'workshop_registration', 'produce_certificate'] as const;
export type LicenceKind = (typeof LICENCE_KINDS)[number];

export const LICENCE_STATUSES = ['submitted', 'verified', 'rejected', 'expired'] as const;
export type LicenceStatus = (typeof LICENCE_STATUSES)[number];

export interface SupplierTable {
  id: string;
  county_code: string;
  type: SupplierType;
  name: string;
  contact_name: string;
  phone: string;
  village_code: string;
  payee_name: string | null;
  payee_account: string | null;
  payee_bank: string | null;
  description: string;
  story: string;
  status: 'active' | 'suspended';
  created_at: string;
  updated_at: string;
}

export interface LicenceTable {
  id: string;
  supplier_id: string;
  county_code: string;
  kind: LicenceKind;
  number: string;
  holder_name: string;
  scope: string;
  issued_on: string;
  expires_on: string;
  status: LicenceStatus;
  reject_reason: string | null;
  image_file_id: string | null;
  submitted_by: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
  reminder_sent_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SuppliersTables {
  supplier: SupplierTable;
  licence: LicenceTable;
}
