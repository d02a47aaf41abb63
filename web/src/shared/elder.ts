/** Elder mode (长辈模式): larger type and controls on the buyer pages, kept in localStorage. */
import { useSyncExternalStore } from 'react';

const KEY = 'fengshou.elder';
const listeners = new Set<() => void>();

function read(): boolean {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

let on = read();

export function setElderMode(value: boolean): void {
  on = value;
  try {
    localStorage.setItem(KEY, value ? '1' : '0');
  } catch {
    // not persisted in private mode
  }
  listeners.forEach((l) => l());
}

export function useElderMode(): boolean {
  return useSyncExternalStore(
    (l) => { listeners.add(l); return () => listeners.delete(l); },
    () => on,
    () => on,
  );
}
