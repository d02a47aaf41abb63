export interface NotificationTable {
  id: string;
  user_id: string;
  county_code: string | null;
  kind: string;
  title: string;
  body: string;
  ref_id: string | null;
  created_at: string;
  read_at: string | null;
}

export interface NotificationsTables {
  notification: NotificationTable;
}
