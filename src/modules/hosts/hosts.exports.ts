import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';
import { invalid } from '../../platform/http/errors.js';
import { isValidDate } from '../../platform/time.js';
import type { Ctx } from '../../context.js';
import { countyPerformance, type Period } from './performance.service.js';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export interface ExportFile { name: string; asciiName: string; data: Buffer }

export function header(ws: ExcelJS.Worksheet, cols: { header: string; width: number }[]) {
  ws.columns = cols;
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
}

export const pct = (n: number | null) => (n === null ? '' : `${(n * 100).toFixed(1)}%`);

/** The county's host ranking for a period as a workbook. */
export async function performanceXlsx(ctx: Ctx, countyCode: string, period: Period): Promise<ExportFile> {
  const data = await countyPerformance(ctx, countyCode, period);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Fengshou';
  const ws = wb.addWorksheet('主播业绩');
  header(ws, [
    { header: '排名', width: 6 }, { header: '主播', width: 16 }, { header: '类型', width: 10 }, { header: '场次', width: 8 }, { header: '直播时长(小时)', width: 14 },
    { header: '成交额(元)', width: 14 }, { header: '订单数', width: 10 }, { header: '退款(元)', width: 12 }, { header: '佣金(元)', width: 12 }, { header: '公益/发展基金(元)', width: 16 },
    { header: '平均在线', width: 10 }, { header: '转化率', width: 10 }, { header: '站外成交额(元)', width: 14 },
  ]);
  const KIND_ZH: Record<string, string> = { local: '本地主播', returned_youth: '返乡青年', guest: '外请达人', official: '干部主播' };
  const yuan = (f: number) => Number((f / 100).toFixed(2));
  for (const r of data.items) {
    ws.addRow([r.rank, r.displayName, r.kind ? KIND_ZH[r.kind] : '', r.sessions, r.hoursLive, yuan(r.gmvFen), r.orders, yuan(r.refundsFen), yuan(r.commissionFen), yuan(r.pledgedFen), r.avgViewers ?? '', pct(r.conversion), yuan(r.externalGmvFen)]);
  }
  ws.addRow([]);
  ws.addRow(['', '本县总成交额(元)', '', '', '', yuan(data.totals.countyGmvFen)]);
  ws.addRow(['', '本地主播占比', '', '', '', pct(data.totals.localShareOfCounty)]);
  return { name: `主播业绩-${countyCode}-${period.from}-${period.to}.xlsx`, asciiName: `host-performance-${countyCode}-${period.from}-${period.to}.xlsx`, data: Buffer.from(await wb.xlsx.writeBuffer()) };
}


export function attachmentHeader(asciiName: string, utf8Name: string): string {
  const encoded = encodeURIComponent(utf8Name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${asciiName}"; filename*=UTF-8''${encoded}`;
}
export function sendFile(reply: FastifyReply, f: ExportFile) {
  return reply.type(XLSX_TYPE).header('content-disposition', attachmentHeader(f.asciiName, f.name)).header('cache-control', 'no-store').send(f.data);
}
export function checkDates(q: { from?: string | undefined; to?: string | undefined }) {
  if (q.from !== undefined && !isValidDate(q.from)) throw invalid('/query/from', 'Not a calendar date');
  if (q.to !== undefined && !isValidDate(q.to)) throw invalid('/query/to', 'Not a calendar date');
}

