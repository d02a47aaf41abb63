export interface AuditLogTable {
  id: string;
  at: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  county_code: string | null;
  ip: string | null;
  /** JSON object with the change's details; never passwords, full phones or accounts. */
  detail: string | null;
}

export interface AuditTables {
  audit_log: AuditLogTable;
}
