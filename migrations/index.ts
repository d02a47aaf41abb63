import type { Migration } from 'kysely';
import * as foundation from './2026-11-27T0100_foundation.js';

/** Every migration, in order. Names are frozen once released. */
export const migrations: Record<string, Migration> = {
  '2026-11-27T0100_foundation': foundation,
};
