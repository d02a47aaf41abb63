import ExcelJS from 'exceljs';
import type { Ctx } from '../../context.js';
import { formatFen } from '../../platform/money.js';
import { batchForBank } from './payouts.service.js';
import { hostStatement, supplierStatement, type StatementQuery } from './statements.service.js';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface ExportFile {
  data: Buffer;
  asciiName: string;
  name: string;
}

interface Column<R> {
  header: string;
  width: number;
  value: (r: R) => string | number;
}

/**
 * One worksheet with a bold, frozen header row; strings are written as text so that a bank
 * account or an order number never turns into a rounded number in Excel.
 */
async function xlsxOf<R>(sheetName: string, columns: Column<R>[], rows: R[], head: (string | number)[][] = []): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Fengshou';
  wb.created = new Date();
  const ws = wb.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: head.length + 1 }] });
  for (const h of head) ws.addRow(h);
  const header = ws.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  columns.forEach((c, i) => { ws.getColumn(i + 1).width = c.width; });
  for (const r of rows) {
    const row = ws.addRow(columns.map((c) => c.value(r)));
    row.eachCell((cell) => { if (typeof cell.value === 'string') cell.numFmt = '@'; });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Yuan with two decimals as text ("1280.50"), the way bank batch templates take amounts. */
const yuan = (fen: number) => formatFen(fen).replace('¥', '');

const TYPE_ZH: Record<string, string> = {
  order: '订单收入', refund: '退款', commission: '佣金/服务费', commission_reversal: '佣金冲回', payout: '结算打款', settlement: '清算', adjustment: '调整', pledge: '捐赠(基金)',
};

/** 银行代发文件: one row per payee to pay, with the full account (only here). */
export async function payoutBatchXlsx(ctx: Ctx, batchId: string): Promise<ExportFile> {
  const { batch, lines } = await batchForBank(ctx, batchId);
  const kindZh = { supplier: '供货商户', host: '主播佣金', charity_fund: '公益基金', development_fund: '电商发展基金' } as const;
  const data = await xlsxOf('代发明细', [
    { header: '序号', width: 6, value: (l: (typeof lines)[number]) => lines.indexOf(l) + 1 },
    { header: '收款人', width: 20, value: (l) => l.payee_name },
    { header: '开户行', width: 24, value: (l) => l.payee_bank },
    { header: '收款账号', width: 26, value: (l) => l.payee_account },
    { header: '金额(元)', width: 12, value: (l) => yuan(l.amount_fen) },
    { header: '金额(分)', width: 12, value: (l) => l.amount_fen },
    { header: '类别', width: 14, value: (l) => kindZh[l.payee_kind] },
    { header: '状态', width: 8, value: (l) => (l.status === 'paid' ? '已付' : '待付') },
    { header: '用途', width: 30, value: () => `丰收结算 ${batch.period_from}至${batch.period_to}` },
    { header: '明细号', width: 34, value: (l) => l.id },
  ], lines, [[`批次 ${batch.batch_no}`, `县 ${batch.county_code}`, `合计(元) ${yuan(lines.reduce((s, l) => s + l.amount_fen, 0))}`, `笔数 ${lines.length}`]]);
  return { data, asciiName: `payout-${batch.batch_no}.xlsx`, name: `代发-${batch.batch_no}.xlsx` };
}

type StatementLike = { openingBalanceFen: number; closingBalanceFen: number; items: { bizDate: string; type: string; orderNo: string | null; payoutBatchNo: string | null; memo: string; amountFen: number; balanceFen: number }[] };

function statementColumns() {
  return [
    { header: '日期', width: 12, value: (r: StatementLike['items'][number]) => r.bizDate },
    { header: '类型', width: 12, value: (r: StatementLike['items'][number]) => TYPE_ZH[r.type] ?? r.type },
    { header: '订单号/批次号', width: 26, value: (r: StatementLike['items'][number]) => r.orderNo ?? r.payoutBatchNo ?? '' },
    { header: '摘要', width: 30, value: (r: StatementLike['items'][number]) => r.memo },
    { header: '金额(元)', width: 12, value: (r: StatementLike['items'][number]) => yuan(r.amountFen) },
    { header: '余额(元)', width: 12, value: (r: StatementLike['items'][number]) => yuan(r.balanceFen) },
  ];
}

/** 供货商对账单 for a period: opening balance, each line, closing balance. */
export async function supplierStatementXlsx(ctx: Ctx, supplierId: string, q: StatementQuery): Promise<ExportFile> {
  const st = await supplierStatement(ctx, supplierId, q);
  const data = await xlsxOf('对账单', statementColumns(), st.items, [
    [`供货商户 ${st.party.name}`, `期间 ${q.from} 至 ${q.to}`], [`期初余额(元) ${yuan(st.openingBalanceFen)}`, `期末余额(元) ${yuan(st.closingBalanceFen)}`],
  ]);
  return { data, asciiName: `statement-${supplierId}-${q.from}-${q.to}.xlsx`, name: `对账单-${st.party.name}-${q.from}至${q.to}.xlsx` };
}

/** 主播对账单: commission lines, and an official's pledges to the funds. */
export async function hostStatementXlsx(ctx: Ctx, hostUserId: string, countyCode: string, q: StatementQuery): Promise<ExportFile> {
  const st = await hostStatement(ctx, hostUserId, countyCode, q);
  const head: (string | number)[][] = [
    [`主播 ${st.party.name}`, `期间 ${q.from} 至 ${q.to}`, st.hostKind === 'official' ? '公职人员主播：不取佣金' : ''],
    [`期初余额(元) ${yuan(st.openingBalanceFen)}`, `期末余额(元) ${yuan(st.closingBalanceFen)}`],
  ];
  if (st.pledgeSplit) head.push([`捐入公益基金(元) ${yuan(st.pledges.charityFen)}`, `捐入电商发展基金(元) ${yuan(st.pledges.developmentFen)}`]);
  const pledgeRows = st.pledges.items.map((p) => ({
    bizDate: p.bizDate, type: p.reversal ? 'commission_reversal' : 'pledge', orderNo: p.orderNo, payoutBatchNo: null,
    memo: `公益基金 ${yuan(p.charityFen)} / 电商发展基金 ${yuan(p.developmentFen)}`, amountFen: 0, balanceFen: 0,
  }));
  const data = await xlsxOf('主播对账单', statementColumns(), [...st.items, ...pledgeRows], head);
  return { data, asciiName: `host-statement-${hostUserId}-${q.from}-${q.to}.xlsx`, name: `主播对账单-${st.party.name}-${q.from}至${q.to}.xlsx` };
}

/** `attachment` with an ASCII fallback name and the real (Chinese) one per RFC 5987/6266. */
export function attachmentHeader(asciiName: string, utf8Name: string): string {
  const encoded = encodeURIComponent(utf8Name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${asciiName}"; filename*=UTF-8''${encoded}`;
}
