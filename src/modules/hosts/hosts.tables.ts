/** Tables of the hosts module (host showcase: migrations/2026-11-27T0500_live.ts). */

/** A product from the selection base that a host may put in its run-of-shows. */
export interface HostShowcaseItemTable {
  county_code: string;
  host_user_id: string;
  product_id: string;
  added_at: string;
}

export interface HostsTables {
  host_showcase_item: HostShowcaseItemTable;
}
