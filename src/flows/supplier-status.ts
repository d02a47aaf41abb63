import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Deps, ctxFromRequest, inTransaction } from '../context.js';
import { getSupplier, setSupplierStatus, StatusReasonBody, SupplierDetail } from '../modules/suppliers/index.js';
import { unlistSupplierProducts } from '../modules/catalog/index.js';

const Params = Type.Object({ supplierId: Type.String({ maxLength: 80 }) });
const CENTER = ['center_admin', 'operator'] as const;

/**
 * Suspending a supplier crosses two modules: the supplier's status (suppliers) and its
 * products coming off sale (catalog), in one transaction. Reinstating does not put products
 * back on sale: each goes through the listing rule again when its owner republishes it.
 */
export function supplierStatusRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/suppliers/:supplierId/suspend', {
      config: { access: CENTER },
      schema: {
        tags: ['suppliers'], summary: 'Suspend a supplier: its products come off sale at once',
        params: Params, body: StatusReasonBody,
        response: { 200: Type.Composite([SupplierDetail, Type.Object({ unlistedProductIds: Type.Array(Type.String()) })]) },
      },
    }, async (req) => {
      const ctx = ctxFromRequest(deps, req);
      return inTransaction(ctx, async (tx) => {
        await setSupplierStatus(tx, req.params.supplierId, 'suspended', req.body.reason);
        const unlisted = await unlistSupplierProducts(tx, req.params.supplierId, `supplier suspended: ${req.body.reason}`);
        return { ...(await getSupplier(tx, req.params.supplierId, false)), unlistedProductIds: unlisted };
      });
    });

    app.post('/suppliers/:supplierId/reinstate', {
      config: { access: CENTER },
      schema: { tags: ['suppliers'], summary: 'Reinstate a suspended supplier', params: Params, body: StatusReasonBody, response: { 200: SupplierDetail } },
    }, async (req) => {
      const ctx = ctxFromRequest(deps, req);
      return inTransaction(ctx, async (tx) => {
        await setSupplierStatus(tx, req.params.supplierId, 'active', req.body.reason);
        return getSupplier(tx, req.params.supplierId, false);
      });
    });
  };
}
