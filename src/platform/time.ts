/** Instants are stored in UTC; business dates (biz_date) are the calendar date in Asia/Shanghai. */
export const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000; // China has had no daylight saving since 1991.

export function nowIso(): string {
  return new Date().toISOString();
}

/** The calendar date in Asia/Shanghai of an instant, as YYYY-MM-DD. */
export function bizDate(at: Date = new Date()): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function isValidDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
}
