import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

const CrumbContext = createContext<{ title: string | null; setTitle: (t: string | null) => void }>({ title: null, setTitle: () => {} });

export function CrumbProvider({ children }: { children: ReactNode }) {
  const [title, setTitle] = useState<string | null>(null);
  return <CrumbContext.Provider value={{ title, setTitle }}>{children}</CrumbContext.Provider>;
}

/** A detail page names itself in the breadcrumb (e.g. the supplier's name). */
export function useCrumbTitle(title: string | null | undefined): void {
  const { setTitle } = useContext(CrumbContext);
  useEffect(() => {
    setTitle(title ?? null);
    return () => setTitle(null);
  }, [title, setTitle]);
}

export function useCrumb(): string | null {
  return useContext(CrumbContext).title;
}
