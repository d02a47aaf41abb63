import { Migrator, type Kysely, type Migration } from 'kysely';
import { migrations } from '../../../migrations/index.js';

/**
 * `schema` names the PostgreSQL schema that holds the migration bookkeeping. Without it
 * Kysely looks for its tables in every schema it can see, and would find another
 * deployment's (or another test's) tables in a shared database.
 */
function migrator(db: Kysely<any>, schema?: string): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations as Record<string, Migration> },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
}

/** Applies every pending migration in order; throws the first failure. */
export async function migrateToLatest(db: Kysely<any>, schema?: string): Promise<string[]> {
  const { error, results } = await migrator(db, schema).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of migrations not yet applied (empty when the schema is current). */
export async function pendingMigrations(db: Kysely<any>, schema?: string): Promise<string[]> {
  const all = await migrator(db, schema).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
