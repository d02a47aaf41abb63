import type { Role } from '../../platform/http/access.js';

export interface CenterTable {
  id: string;
  county_code: string;
  name: string;
  created_at: string;
}

export interface AppUserTable {
  id: string;
  phone: string;
  name: string;
  password_hash: string | null;
  failed_logins: number;
  locked_until: string | null;
  disabled_at: string | null;
  created_at: string;
}

export interface RoleGrantTable {
  id: string;
  user_id: string;
  role: Role;
  region_prefix: string;
  supplier_id: string | null;
  granted_by: string | null;
  created_at: string;
}

export interface UserSessionTable {
  id: string;
  token_hash: string;
  user_id: string;
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface SmsCodeTable {
  id: string;
  phone: string;
  code_hash: string;
  attempts: number;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface AccountsTables {
  center: CenterTable;
  app_user: AppUserTable;
  role_grant: RoleGrantTable;
  user_session: UserSessionTable;
  sms_code: SmsCodeTable;
}
