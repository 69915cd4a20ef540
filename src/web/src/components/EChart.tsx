import ReactEChartsCore from 'echarts-for-react/esm/core';
import { BarChart, HeatmapChart, LineChart, PieChart, ScatterChart } from 'echarts/charts';
import {
  AriaComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';

// Only what the pages draw: keeps the chart chunk a fraction of full ECharts.
echarts.use([
  BarChart, HeatmapChart, LineChart, PieChart, ScatterChart,
  AriaComponent, DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent,
  TooltipComponent, VisualMapComponent, CanvasRenderer,
]);

export const PALETTE = ['#2f54eb', '#13c2c2', '#faad14', '#eb2f96', '#52c41a', '#722ed1', '#fa8c16', '#1890ff', '#a0d911', '#f5222d'];

const FONT = "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Segoe UI', Roboto, sans-serif";

export interface EChartProps {
  option: EChartsCoreOption;
  height: number;
  onEvents?: Record<string, (params: unknown) => void>;
}

export default function EChart({ option, height, onEvents }: EChartProps) {
  const full: EChartsCoreOption = {
    color: PALETTE,
    textStyle: { fontFamily: FONT },
    aria: { enabled: true },
    animationDuration: 400,
    ...option,
  };
  return (
    <ReactEChartsCore
      echarts={echarts}
      option={full}
      notMerge
      lazyUpdate
      style={{ height, width: '100%' }}
      opts={{ renderer: 'canvas' }}
      onEvents={onEvents}
    />
  );
}
