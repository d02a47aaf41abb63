import { Select } from 'antd';
import { useEffect, useState } from 'react';
import { suppliersApi } from '../../api/suppliers';
import type { Supplier } from '../../api/types';
import { useI18n } from '../../i18n';
import { useDebounced } from '../../shared/useAsync';

/** Pick a supplier by typing part of its name; tells the parent the whole record. */
export function SupplierSelect({ value, onChange, onPicked, id, placeholder, allowClear, style }: {
  value?: string | undefined;
  onChange?: (id: string | undefined) => void;
  onPicked?: (s: Supplier | undefined) => void;
  id?: string;
  placeholder?: string;
  allowClear?: boolean;
  style?: React.CSSProperties;
}) {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 250);
  const [options, setOptions] = useState<Supplier[]>([]);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    let live = true;
    setLoading(true);
    suppliersApi.list({ q: q || undefined, limit: 30 }).then(async (page) => {
      let items = page.items;
      // Keep the chosen supplier among the options so its name shows.
      if (value && !items.some((s) => s.id === value)) {
        const chosen = await suppliersApi.get(value).catch(() => null);
        if (chosen) items = [chosen, ...items];
      }
      if (live) setOptions(items);
    }).catch(() => { if (live) setOptions([]); }).finally(() => { if (live) setLoading(false); });
    return () => { live = false; };
  }, [q, value]);

  // Tell the parent about a supplier chosen before the options arrived (e.g. from the address).
  useEffect(() => {
    if (value) onPicked?.(options.find((s) => s.id === value));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [options]);

  return (
    <Select
      id={id}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      value={value}
      allowClear={allowClear}
      loading={loading}
      placeholder={placeholder ?? t('supplier.pick')}
      notFoundContent={loading ? t('common.loading') : t('supplier.noneFound')}
      options={options.map((s) => ({ value: s.id, label: `${s.name}${s.status === 'suspended' ? ` (${t('supplierStatus.suspended')})` : ''}` }))}
      onChange={(v: string | undefined) => { onChange?.(v); onPicked?.(options.find((s) => s.id === v)); }}
      style={style ?? { width: '100%' }}
    />
  );
}
