// Hands the store to the components; `useDesk(selector)` re-renders a component only when its slice changes.
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { DeskSnapshot } from '../../src-main/api/contract';
import { translator, type Translate } from '../i18n';
import type { DeskState, DeskStore } from './desk-store';

const StoreContext = createContext<DeskStore | null>(null);

export function DeskStoreProvider({ store, children }: { store: DeskStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useDeskStore(): DeskStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('DeskStoreProvider is missing');
  return store;
}

export function useDesk<T>(selector: (state: DeskState) => T): T {
  return useStore(useDeskStore(), selector);
}

/** A slice of the Desk's snapshot; only rendered below <App> once the snapshot has arrived. */
export function useSnapshot<K extends keyof DeskSnapshot>(key: K): DeskSnapshot[K] {
  return useDesk((s) => {
    if (!s.desk) throw new Error('the Desk snapshot has not arrived yet');
    return s.desk[key];
  });
}

export function useT(): Translate {
  const locale = useDesk((s) => s.desk?.locale ?? 'zh-CN');
  return useMemo(() => translator(locale), [locale]);
}
