/** Pieces the settlement pages share: status tags, the period picker, the county picker, money cells. */
import { DatePicker, Select, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useSearchParams } from 'react-router-dom';
import { isProblem } from '../../api/client';
import type { BatchStatus, LineStatus, PayeeKind, StatementLineType } from '../../api/settlement';
import type { Role } from '../../api/types';
import { hasKey, useI18n, type MessageKey, type Translate } from '../../i18n';
import { formatFen, todayShanghai } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { useMyCounties } from '../admin/useCounties';

const BATCH_COLOURS: Record<BatchStatus, string> = { open: 'processing', paid: 'success', closed: 'default', cancelled: 'default' };
const LINE_COLOURS: Record<LineStatus, string> = { unpaid: 'warning', paid: 'success', cancelled: 'default' };
const PAYEE_COLOURS: Record<PayeeKind, string> = { supplier: 'blue', host: 'purple', charity_fund: 'magenta', development_fund: 'cyan' };
const TYPE_COLOURS: Record<StatementLineType, string> = {
  order: 'blue', refund: 'orange', commission: 'purple', commission_reversal: 'geekblue', payout: 'cyan', settlement: 'green', adjustment: 'red',
};

export function BatchStatusTag({ status }: { status: BatchStatus }) {
  const { t } = useI18n();
  return <Tag color={BATCH_COLOURS[status]} data-testid="batch-status">{t(`st.batchStatus.${status}` as MessageKey)}</Tag>;
}

export function LineStatusTag({ status }: { status: LineStatus }) {
  const { t } = useI18n();
  return <Tag color={LINE_COLOURS[status]}>{t(`st.lineStatus.${status}` as MessageKey)}</Tag>;
}

export function PayeeKindTag({ kind }: { kind: PayeeKind }) {
  const { t } = useI18n();
  return <Tag color={PAYEE_COLOURS[kind]}>{t(`st.payeeKind.${kind}` as MessageKey)}</Tag>;
}

export function LineTypeTag({ type }: { type: StatementLineType }) {
  const { t } = useI18n();
  return <Tag color={TYPE_COLOURS[type]}>{t(`st.lineType.${type}` as MessageKey)}</Tag>;
}

/** A signed amount: red when it lowers what is owed. */
export function SignedFen({ fen, strong }: { fen: number; strong?: boolean }) {
  return <Typography.Text strong={strong} type={fen < 0 ? 'danger' : undefined}>{fen > 0 ? '+' : ''}{formatFen(fen)}</Typography.Text>;
}

export type PeriodValue = [Dayjs, Dayjs];

export function monthToDate(): PeriodValue {
  const today = dayjs(todayShanghai());
  return [today.startOf('month'), today];
}

/** From / to business dates; the end cannot be after today (Asia/Shanghai). */
export function PeriodPicker({ value, onChange, id }: { value?: PeriodValue | null; onChange?: (v: PeriodValue | null) => void; id?: string }) {
  const { t } = useI18n();
  const today = dayjs(todayShanghai());
  return (
    <DatePicker.RangePicker
      id={id}
      value={value}
      allowClear={false}
      onChange={(v) => onChange?.(v && v[0] && v[1] ? [v[0], v[1]] : null)}
      disabledDate={(d) => d.isAfter(today, 'day')}
      placeholder={[t('st.from'), t('st.to')]}
      presets={[
        { label: t('st.preset.thisMonth'), value: [today.startOf('month'), today] },
        { label: t('st.preset.lastMonth'), value: [today.subtract(1, 'month').startOf('month'), today.subtract(1, 'month').endOf('month')] },
        { label: t('st.preset.last30'), value: [today.subtract(29, 'day'), today] },
      ]}
      style={{ maxWidth: '100%' }}
      inputReadOnly
    />
  );
}

export const periodOf = (v: PeriodValue) => ({ from: v[0].format('YYYY-MM-DD'), to: v[1].format('YYYY-MM-DD') });

/** The county in ?county=, else the first one the user works in through `roles`. */
export function useCountyParam(roles: readonly Role[]) {
  const [params, setParams] = useSearchParams();
  const { counties, loading } = useMyCounties(roles);
  const countyCode = params.get('county') ?? counties[0]?.countyCode;
  const picker = counties.length > 1 ? (
    <CountySelect value={countyCode} options={counties.map((c) => ({ value: c.countyCode, label: c.name }))} onChange={(v) => {
      const next = new URLSearchParams(params);
      next.set('county', v);
      setParams(next, { replace: true });
    }} />
  ) : null;
  const countyName = counties.find((c) => c.countyCode === countyCode)?.name ?? countyCode;
  return { countyCode, countyName, counties, loading, picker };
}

function CountySelect({ value, options, onChange }: { value: string | undefined; options: { value: string; label: string }[]; onChange: (v: string) => void }) {
  const { t } = useI18n();
  return <Select style={{ width: 200, maxWidth: '100%' }} value={value} aria-label={t('fo.county')} onChange={onChange} options={options} />;
}

/** A pay result's failure in plain words: the catalogue's sentence for its code, else the server's detail. */
export function payFailureText(code: string | null, detail: string | null, t: Translate): string {
  const key = `st.payFail.${code ?? ''}`;
  if (hasKey(key)) return t(key);
  const general = `problem.${code ?? ''}`;
  if (hasKey(general)) return t(general);
  return detail ?? t('problem.unexpected');
}

/** One line refused because its payee is now owed less than the line (409 payee_balance_too_low). */
export function payLineErrorText(err: unknown, payeeName: string, t: Translate): string {
  if (isProblem(err, 'payee_balance_too_low')) {
    const b = err.body;
    const balance = typeof b.balanceFen === 'number' ? b.balanceFen : null;
    const line = typeof b.lineFen === 'number' ? b.lineFen : null;
    if (balance !== null && line !== null) return t('st.payFail.tooLowAmounts', { name: payeeName, balance: formatFen(balance), line: formatFen(line) });
    return t('st.payFail.payee_balance_too_low');
  }
  if (isProblem(err)) {
    const key = `st.payFail.${err.code}`;
    if (hasKey(key)) return t(key);
  }
  return problemText(err, t);
}
