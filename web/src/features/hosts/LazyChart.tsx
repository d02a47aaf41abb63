import { Suspense, lazy, type ComponentProps } from 'react';

/** ECharts is large: the chart module loads only when a page with a chart opens. */
const Inner = lazy(() => import('./Chart'));

export function Chart(props: ComponentProps<typeof Inner>) {
  return (
    <Suspense fallback={<div style={{ height: props.height ?? 320 }} aria-busy="true" />}>
      <Inner {...props} />
    </Suspense>
  );
}
