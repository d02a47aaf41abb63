import { categoriesApi } from '../api/catalog';
import type { Category } from '../api/types';
import { useAsync } from './useAsync';

let cache: Promise<Category[]> | null = null;

/** Categories rarely change: fetched once per page load and shared. */
export function loadCategories(): Promise<Category[]> {
  cache ??= categoriesApi.list().then((r) => r.items).catch((err: unknown) => {
    cache = null;
    throw err;
  });
  return cache;
}

export function useCategories() {
  return useAsync(() => loadCategories(), []);
}
