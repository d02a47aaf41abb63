/** Money is always integer fen. These helpers are the one place it is formatted or split. */

export function assertFen(value: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer amount of fen: ${value}`);
}

/** 1280 -> "¥12.80" */
export function formatFen(fen: number): string {
  assertFen(fen);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Applies a rate in basis points (1/100 of a percent), rounding half up to whole fen. */
export function applyBasisPoints(fen: number, bp: number): number {
  assertFen(fen);
  return Math.round((fen * bp) / 10000);
}
