import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Deps, ctxFromRequest } from '../../context.js';
import { PageQuery, pageOf } from '../../platform/http/pagination.js';
import { invalid } from '../../platform/http/errors.js';
import { isValidDate } from '../../platform/time.js';
import * as svc from './catalog.service.js';
import {
  BatchCreateBody, BatchView, CategoryView, ProductCard, ProductCreateBody, ProductDetail, ProductFilterQuery, ProductPatchBody,
  ProductStatusSchemaExport, SelectionBody, SelectionCard, SkuCreateBody, SkuPatchBody, SkuView, StockAdjustBody, StoreProduct,
} from './catalog.schema.js';

const ProductParams = Type.Object({ productId: Type.String({ maxLength: 80 }) });
const SkuParams = Type.Object({ skuId: Type.String({ maxLength: 80 }) });
const READERS = ['center_admin', 'operator', 'official', 'supplier'] as const;
const EDITORS = ['center_admin', 'operator', 'supplier'] as const;
const CENTER = ['center_admin', 'operator'] as const;

function checkDate(pointer: string, value: string | null | undefined) {
  if (value && !isValidDate(value)) throw invalid(pointer, 'Not a calendar date');
}

function checkPriceRange(q: { minPriceFen?: number | undefined; maxPriceFen?: number | undefined }) {
  if (q.minPriceFen !== undefined && q.maxPriceFen !== undefined && q.minPriceFen > q.maxPriceFen) {
    throw invalid('/query/maxPriceFen', 'The highest price is below the lowest');
  }
}

export function catalogRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/categories', {
      config: { access: 'public' },
      schema: { tags: ['catalog'], summary: 'Categories and the licences each needs', response: { 200: Type.Object({ items: Type.Array(CategoryView) }) } },
    }, async (req) => ({ items: await svc.listCategories(ctxFromRequest(deps, req)) }));

    app.get('/products', {
      config: { access: READERS },
      schema: {
        tags: ['catalog'], summary: 'Products of my counties (a supplier sees its own)',
        querystring: Type.Object({ ...PageQuery, ...ProductFilterQuery, status: Type.Optional(ProductStatusSchemaExport), supplierId: Type.Optional(Type.String({ maxLength: 80 })) }),
        response: { 200: pageOf(ProductCard) },
      },
    }, async (req) => {
      checkPriceRange(req.query);
      return svc.listProducts(ctxFromRequest(deps, req), { ...req.query, limit: req.query.limit ?? 20 });
    });

    app.post('/products', {
      config: { access: EDITORS },
      schema: { tags: ['catalog'], summary: 'Create a product (as a draft)', body: ProductCreateBody, response: { 201: ProductDetail } },
    }, async (req, reply) => {
      reply.status(201);
      return svc.createProduct(ctxFromRequest(deps, req), req.body);
    });

    app.get('/products/:productId', {
      config: { access: READERS },
      schema: { tags: ['catalog'], summary: 'A product with SKUs, batches, images, selection entry and listing check', params: ProductParams, response: { 200: ProductDetail } },
    }, async (req) => svc.getProduct(ctxFromRequest(deps, req), req.params.productId));

    app.patch('/products/:productId', {
      config: { access: EDITORS },
      schema: { tags: ['catalog'], summary: 'Change a product', params: ProductParams, body: ProductPatchBody, response: { 200: ProductDetail } },
    }, async (req) => svc.updateProduct(ctxFromRequest(deps, req), req.params.productId, req.body));

    app.post('/products/:productId/publish', {
      config: { access: EDITORS },
      schema: { tags: ['catalog'], summary: 'Put on sale (checks the listing rule: licences the category needs)', params: ProductParams, response: { 200: ProductDetail } },
    }, async (req) => svc.setProductStatus(ctxFromRequest(deps, req), req.params.productId, 'on_sale'));

    app.post('/products/:productId/unpublish', {
      config: { access: EDITORS },
      schema: { tags: ['catalog'], summary: 'Take off sale', params: ProductParams, response: { 200: ProductDetail } },
    }, async (req) => svc.setProductStatus(ctxFromRequest(deps, req), req.params.productId, 'off_sale'));

    app.post('/products/:productId/images', {
      config: { access: EDITORS },
      schema: { tags: ['catalog'], summary: 'Add an image (multipart field "file": JPEG, PNG or WebP)', params: ProductParams, consumes: ['multipart/form-data'], response: { 200: ProductDetail } },
    }, async (req) => svc.addProductImage(ctxFromRequest(deps, req), req.params.productId, req));

    app.delete('/products/:productId/images/:fileId', {
      config: { access: EDITORS },
      schema: { tags: ['catalog'], summary: 'Remove an image', params: Type.Object({ productId: Type.String({ maxLength: 80 }), fileId: Type.String({ maxLength: 80 }) }), response: { 200: ProductDetail } },
    }, async (req) => svc.removeProductImage(ctxFromRequest(deps, req), req.params.productId, req.params.fileId));

    app.post('/products/:productId/skus', {
      config: { access: EDITORS },
      schema: { tags: ['catalog'], summary: 'Add a SKU (spec, price in fen, weight, stock; pre-sale ships from a date)', params: ProductParams, body: SkuCreateBody, response: { 201: SkuView } },
    }, async (req, reply) => {
      checkDate('/body/shipsFrom', req.body.shipsFrom);
      reply.status(201);
      return svc.createSku(ctxFromRequest(deps, req), req.params.productId, req.body);
    });

    app.patch('/skus/:skuId', {
      config: { access: EDITORS },
      schema: { tags: ['catalog'], summary: 'Change a SKU (stock changes go through /stock)', params: SkuParams, body: SkuPatchBody, response: { 200: SkuView } },
    }, async (req) => {
      checkDate('/body/shipsFrom', req.body.shipsFrom);
      return svc.updateSku(ctxFromRequest(deps, req), req.params.skuId, req.body);
    });

    app.post('/skus/:skuId/stock', {
      config: { access: EDITORS },
      schema: { tags: ['catalog'], summary: 'Add or remove stock (never below zero)', params: SkuParams, body: StockAdjustBody, response: { 200: SkuView } },
    }, async (req) => svc.adjustStock(ctxFromRequest(deps, req), req.params.skuId, req.body));

    app.get('/skus/:skuId/stock-movements', {
      config: { access: READERS },
      schema: {
        tags: ['catalog'], summary: 'Stock history of a SKU', params: SkuParams, querystring: Type.Object(PageQuery),
        response: { 200: pageOf(Type.Object({ id: Type.String(), delta: Type.Integer(), stockAfter: Type.Integer(), reason: Type.String(), actorId: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String() })) },
      },
    }, async (req) => svc.listStockMovements(ctxFromRequest(deps, req), req.params.skuId, { ...req.query, limit: req.query.limit ?? 20 }));

    app.post('/products/:productId/batches', {
      config: { access: EDITORS },
      schema: { tags: ['catalog'], summary: 'Record a harvest or production batch', params: ProductParams, body: BatchCreateBody, response: { 201: BatchView } },
    }, async (req, reply) => {
      checkDate('/body/producedOn', req.body.producedOn);
      reply.status(201);
      return svc.createBatch(ctxFromRequest(deps, req), req.params.productId, req.body);
    });

    app.get('/selection', {
      config: { access: ['center_admin', 'operator', 'official', 'host'] },
      schema: {
        tags: ['selection'], summary: 'The selection base: curated products hosts choose from',
        querystring: Type.Object({ ...PageQuery, ...ProductFilterQuery }),
        response: { 200: pageOf(SelectionCard) },
      },
    }, async (req) => {
      checkPriceRange(req.query);
      return svc.listSelection(ctxFromRequest(deps, req), { ...req.query, limit: req.query.limit ?? 20 });
    });

    app.put('/products/:productId/selection', {
      config: { access: CENTER },
      schema: { tags: ['selection'], summary: 'Add a product to the selection base, or change its terms', params: ProductParams, body: SelectionBody, response: { 200: ProductDetail } },
    }, async (req) => svc.putSelection(ctxFromRequest(deps, req), req.params.productId, req.body));

    app.delete('/products/:productId/selection', {
      config: { access: CENTER },
      schema: { tags: ['selection'], summary: 'Take a product out of the selection base', params: ProductParams, response: { 200: ProductDetail } },
    }, async (req) => svc.removeSelection(ctxFromRequest(deps, req), req.params.productId));

    app.get('/store/products', {
      config: { access: 'public' },
      schema: {
        tags: ['storefront'], summary: 'Products on sale, for buyers (any county on the deployment)',
        querystring: Type.Object({ ...PageQuery, ...ProductFilterQuery }),
        response: { 200: pageOf(ProductCard) },
      },
    }, async (req) => {
      checkPriceRange(req.query);
      return svc.storeList(ctxFromRequest(deps, req), { ...req.query, limit: req.query.limit ?? 20 });
    });

    app.get('/store/products/:productId', {
      config: { access: 'public' },
      schema: { tags: ['storefront'], summary: 'A product page: SKUs, batches, the supplier story and its certificates', params: ProductParams, response: { 200: StoreProduct } },
    }, async (req) => svc.storeProduct(ctxFromRequest(deps, req), req.params.productId));
  };
}
