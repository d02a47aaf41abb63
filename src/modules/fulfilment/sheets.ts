import ExcelJS from 'exceljs';
import { AppError } from '../../platform/http/errors.js';

/** Spreadsheet in and out for the order sheet: XLSX written with exceljs, XLSX or CSV read back. */

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface SheetColumn<R> {
  header: string;
  width: number;
  value: (row: R) => string | number;
  /** Long text (addresses, item lists) wraps inside its cell. */
  wrap?: boolean;
}

/**
 * One worksheet with a bold, frozen header row. Every string is written as text (never a
 * number), so an 18-digit order number survives a round trip through Excel.
 */
export async function xlsxOf<R>(sheetName: string, columns: SheetColumn<R>[], rows: R[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Fengshou';
  wb.created = new Date();
  const ws = wb.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c.header, width: c.width }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) {
    const row = ws.addRow(columns.map((c) => c.value(r)));
    columns.forEach((c, i) => {
      const cell = row.getCell(i + 1);
      if (typeof cell.value === 'string') cell.numFmt = '@';
      if (c.wrap) cell.alignment = { wrapText: true, vertical: 'top' };
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** `attachment` with an ASCII fallback name and the real (Chinese) one per RFC 5987/6266. */
export function attachmentHeader(asciiName: string, utf8Name: string): string {
  const encoded = encodeURIComponent(utf8Name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${asciiName}"; filename*=UTF-8''${encoded}`;
}

/** A cell as read: text, or a number exactly as the file holds it. */
export type CellValue = string | number | null;

const MAX_ROWS = 2000;

function tooMany(): never {
  throw new AppError(422, 'too_many_rows', `At most ${MAX_ROWS} rows in one file; split it`);
}

function unreadable(detail: string): never {
  throw new AppError(400, 'unreadable_file', detail, [{ pointer: '/body/file', detail }]);
}

/** Reads the first worksheet of an XLSX, or a CSV (UTF-8, or GB18030 as Excel in China saves it), into rows of cells. */
export async function readSheet(data: Buffer): Promise<CellValue[][]> {
  const isZip = data.length > 4 && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04;
  return isZip ? readXlsx(data) : readCsv(data);
}

function cellValue(v: ExcelJS.CellValue): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((p) => p.text).join('');
    if ('result' in v) return cellValue(v.result as ExcelJS.CellValue);
    if ('text' in v) return String(v.text);
    if ('error' in v) return null;
  }
  return String(v);
}

async function readXlsx(data: Buffer): Promise<CellValue[][]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    unreadable('The file is not a readable XLSX workbook');
  }
  const ws = wb.worksheets[0];
  if (!ws) unreadable('The workbook has no worksheet');
  if (ws.rowCount > MAX_ROWS + 1) tooMany();
  const rows: CellValue[][] = [];
  for (let r = 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const cells: CellValue[] = [];
    for (let c = 1; c <= Math.min(row.cellCount, 50); c++) cells.push(cellValue(row.getCell(c).value));
    rows.push(cells);
  }
  return rows;
}

function decodeText(data: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data).replace(/^\uFEFF/, '');
  } catch {
    try {
      return new TextDecoder('gb18030').decode(data);
    } catch {
      unreadable('The CSV file is neither UTF-8 nor GB18030 text');
    }
  }
}

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks; CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
      if (rows.length > MAX_ROWS + 1) tooMany();
    } else field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

function readCsv(data: Buffer): CellValue[][] {
  const text = decodeText(data);
  if (text.includes('\u0000')) unreadable('The file is neither XLSX nor CSV text');
  return parseCsv(text);
}
