import ExcelJS from 'exceljs';
import type { Ctx } from '../../context.js';
import { bizDate } from '../../platform/time.js';
import { FUNNEL_STEPS, GROUPINGS, funnel, type FunnelFilter } from './funnel.service.js';
import { type ExportFile, header, pct } from './hosts.exports.js';

const STEP_ZH: Record<string, string> = { enrolled: '报名', attended: '出勤≥80%', certified: '结业认证', first_live: '首场正式直播', active_30: '30天后仍在带货', active_90: '90天后仍在带货' };
const GROUP_ZH: Record<string, string> = { cohort: '按班次', township: '按乡镇', age_band: '按年龄段', gender: '按性别' };
const AGE_ZH: Record<string, string> = { under_25: '25岁以下', '25_34': '25–34岁', '35_44': '35–44岁', '45_54': '45–54岁', '55_plus': '55岁及以上' };
const GENDER_ZH: Record<string, string> = { female: '女', male: '男' };
const REASON_ZH: Record<string, string> = {
  no_time: '没有时间', family_care: '照顾家庭', farm_work: '农忙', low_income: '收入太低', camera_shy: '不敢上镜', no_equipment: '没有设备',
  poor_network: '网络不好', left_county: '外出务工/离开本县', health: '身体原因', found_job: '找到其他工作', lost_interest: '失去兴趣', other: '其他',
};

/** The funnel as a workbook: one sheet per grouping (overall first) with counts and step conversion, and the dropout reasons. */
export async function funnelXlsx(ctx: Ctx, f: FunnelFilter): Promise<ExportFile> {
  const data = await funnel(ctx, f);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Fengshou';
  const cols = [{ header: '分组', width: 22 }, ...FUNNEL_STEPS.flatMap((s, i) => [{ header: STEP_ZH[s]!, width: 14 }, ...(i ? [{ header: '转化率', width: 10 }] : [])]), { header: '30天待观察', width: 12 }, { header: '90天待观察', width: 12 }];
  const rowOf = (label: string, t: typeof data.overall) => [label, ...FUNNEL_STEPS.flatMap((s, i) => [t.counts[s], ...(i ? [pct(t.conversion[s])] : [])]), t.pending.active_30, t.pending.active_90];
  const overall = wb.addWorksheet('总体');
  header(overall, cols);
  overall.addRow(rowOf('全部', data.overall));
  for (const g of GROUPINGS) {
    const ws = wb.addWorksheet(GROUP_ZH[g]!);
    header(ws, cols);
    for (const row of data.groups[g]) ws.addRow(rowOf(g === 'age_band' ? AGE_ZH[row.label] ?? row.label : g === 'gender' ? GENDER_ZH[row.label] ?? row.label : row.label, row));
  }
  const reasons = wb.addWorksheet('流失原因');
  header(reasons, [{ header: '原因', width: 20 }, { header: '代码', width: 16 }, { header: '人数', width: 8 }, ...['attended', 'certified', 'first_live', 'active_30', 'active_90'].map((s) => ({ header: `未达「${STEP_ZH[s]}」`, width: 18 }))]);
  for (const r of data.reasons) reasons.addRow([REASON_ZH[r.code] ?? r.code, r.code, r.count, ...['attended', 'certified', 'first_live', 'active_30', 'active_90'].map((s) => r.byStage[s] ?? 0)]);
  const day = bizDate();
  return { name: `主播培养漏斗-${f.countyCode}-${day}.xlsx`, asciiName: `host-funnel-${f.countyCode}-${day}.xlsx`, data: Buffer.from(await wb.xlsx.writeBuffer()) };
}

