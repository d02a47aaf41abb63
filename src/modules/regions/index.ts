import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../context.js';
import { invalid, notFound } from '../../platform/http/errors.js';

/**
 * Regions: national administrative division codes, province → village. Everything else
 * asks this module whether a code exists and what it is called.
 */
export { openRegionSource, type Region, type RegionSource, type RegionLevel } from './regions.source.js';
import type { RegionLevel, RegionSource } from './regions.source.js';

const LEVEL_LENGTH: Record<RegionLevel, number> = { province: 2, city: 4, county: 6, township: 9, village: 12 };

/** Throws a 422 naming the field unless `code` is a known region of that level. */
export function requireRegion(regions: RegionSource, code: string, level: RegionLevel, pointer: string) {
  const region = code.length === LEVEL_LENGTH[level] ? regions.get(code) : null;
  if (!region) throw invalid(pointer, `Unknown ${level} code ${code}`, 'unknown_region');
  return region;
}

/** Throws unless `code` is a village (or township) inside the county. */
export function requireRegionInCounty(regions: RegionSource, code: string, countyCode: string, pointer: string) {
  const region = regions.get(code);
  if (!region || (region.level !== 'village' && region.level !== 'township')) throw invalid(pointer, `Unknown village code ${code}`, 'unknown_region');
  if (!code.startsWith(countyCode)) throw invalid(pointer, `Village ${code} is not in county ${countyCode}`, 'region_outside_county');
  return region;
}

export function regionLabel(regions: RegionSource, code: string, fromLevel: RegionLevel = 'township'): string {
  return regions.path(code).filter((r) => r.code.length >= LEVEL_LENGTH[fromLevel]).map((r) => r.name).join(' ');
}

const RegionView = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: Type.Union((['province', 'city', 'county', 'township', 'village'] as const).map((l) => Type.Literal(l))),
  parentCode: Type.Union([Type.String(), Type.Null()]),
});

export function regionRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/regions', {
      config: { access: 'public' },
      schema: {
        tags: ['regions'], summary: 'Children of a region (provinces when no parent is given), for pickers',
        querystring: Type.Object({ parent: Type.Optional(Type.String({ pattern: '^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9})$' })) }),
        response: { 200: Type.Object({ items: Type.Array(RegionView) }) },
      },
    }, async (req) => {
      if (req.query.parent && !deps.regions.get(req.query.parent)) throw invalid('/query/parent', 'Unknown region code', 'unknown_region');
      return { items: deps.regions.children(req.query.parent ?? null) };
    });

    app.get('/regions/:code', {
      config: { access: 'public' },
      schema: {
        tags: ['regions'], summary: 'One region with its path from the province',
        params: Type.Object({ code: Type.String({ pattern: '^[0-9]{2,12}$' }) }),
        response: { 200: Type.Composite([RegionView, Type.Object({ path: Type.Array(RegionView) })]) },
      },
    }, async (req) => {
      const region = deps.regions.get(req.params.code);
      if (!region) throw notFound('Region');
      return { ...region, path: deps.regions.path(region.code) };
    });
  };
}
