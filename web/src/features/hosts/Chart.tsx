/**
 * Charts of the host pages: Apache ECharts through echarts-for-react, with only the chart
 * kinds and components used here registered (tree-shaken; the console chunk stays small).
 */
// The ES module build: the CommonJS one (lib/) arrives as { default } through the bundler.
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { BarChart, FunnelChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';

echarts.use([BarChart, FunnelChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export function Chart({ option, height = 320, testId }: { option: EChartsCoreOption; height?: number; testId?: string }) {
  return (
    <div data-testid={testId}>
      <ReactEChartsCore echarts={echarts} option={option} notMerge lazyUpdate style={{ height, width: '100%' }} />
    </div>
  );
}
export default Chart;
