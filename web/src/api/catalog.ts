import { api, type QueryValue } from './client';
import type {
  Batch, BatchCreate, Category, Page, PageQuery, ProductCard, ProductCreate, ProductDetail, ProductFields, ProductFilters,
  ProductStatus, SelectionCard, SelectionInput, Sku, SkuCreate, SkuPatch, StockMovement, StoreProduct,
} from './types';

const id = (s: string) => encodeURIComponent(s);
const q = (o: object) => o as Record<string, QueryValue>;

export interface ProductListQuery extends PageQuery, ProductFilters {
  status?: ProductStatus | undefined;
  supplierId?: string | undefined;
}

export const categoriesApi = {
  list: () => api.get<{ items: Category[] }>('/categories'),
};

export const productsApi = {
  list: (query: ProductListQuery) => api.get<Page<ProductCard>>('/products', q(query)),
  get: (productId: string) => api.get<ProductDetail>(`/products/${id(productId)}`),
  create: (input: ProductCreate) => api.post<ProductDetail>('/products', input),
  update: (productId: string, patch: Partial<ProductFields>) => api.patch<ProductDetail>(`/products/${id(productId)}`, patch),
  publish: (productId: string) => api.post<ProductDetail>(`/products/${id(productId)}/publish`),
  unpublish: (productId: string) => api.post<ProductDetail>(`/products/${id(productId)}/unpublish`),
  addImage: (productId: string, file: Blob) => api.upload<ProductDetail>('POST', `/products/${id(productId)}/images`, file),
  removeImage: (productId: string, fileId: string) => api.delete<ProductDetail>(`/products/${id(productId)}/images/${id(fileId)}`),
  addSku: (productId: string, input: SkuCreate) => api.post<Sku>(`/products/${id(productId)}/skus`, input),
  addBatch: (productId: string, input: BatchCreate) => api.post<Batch>(`/products/${id(productId)}/batches`, input),
  putSelection: (productId: string, input: SelectionInput) => api.put<ProductDetail>(`/products/${id(productId)}/selection`, input),
  removeSelection: (productId: string) => api.delete<ProductDetail>(`/products/${id(productId)}/selection`),
};

export const skusApi = {
  update: (skuId: string, patch: SkuPatch) => api.patch<Sku>(`/skus/${id(skuId)}`, patch),
  adjustStock: (skuId: string, delta: number, reason: string) => api.post<Sku>(`/skus/${id(skuId)}/stock`, { delta, reason }),
  movements: (skuId: string, page: PageQuery) => api.get<Page<StockMovement>>(`/skus/${id(skuId)}/stock-movements`, q(page)),
};

export const selectionApi = {
  list: (query: PageQuery & ProductFilters) => api.get<Page<SelectionCard>>('/selection', q(query)),
};

export const storeApi = {
  list: (query: PageQuery & ProductFilters) => api.get<Page<ProductCard>>('/store/products', q(query)),
  get: (productId: string) => api.get<StoreProduct>(`/store/products/${id(productId)}`),
};
