import { Skeleton } from 'antd';
import { lazy, Suspense } from 'react';
import type { EChartProps } from './EChart';

// ECharts is loaded with the first chart, not with the app shell.
const EChart = lazy(() => import('./EChart'));

export interface ChartProps extends EChartProps {
  /** What the chart shows, for screen readers. */
  label: string;
}

export function Chart({ label, height, ...rest }: ChartProps) {
  return (
    <div role="img" aria-label={label} style={{ minHeight: height }}>
      <Suspense fallback={<Skeleton.Node active style={{ width: '100%', height }} />}>
        <EChart height={height} {...rest} />
      </Suspense>
    </div>
  );
}
