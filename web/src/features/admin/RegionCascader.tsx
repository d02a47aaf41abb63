import { Cascader } from 'antd';
import { useEffect, useState } from 'react';
import { regionsApi } from '../../api/accounts';
import type { Region } from '../../api/types';
import { useI18n } from '../../i18n';

interface Option {
  value: string;
  label: string;
  isLeaf?: boolean;
  loading?: boolean;
  children?: Option[];
}

const toOption = (r: Region, leaf: boolean): Option => ({ value: r.code, label: r.name, isLeaf: leaf });

/**
 * Township → village picker inside one county, loaded from /regions as the user opens each
 * township. Its value is one code: a village (12 digits) or, when only a township is
 * chosen, the township (9 digits).
 */
export function RegionCascader({ countyCode, value, onChange, id, disabled, allowClear, placeholder, status }: {
  countyCode: string | undefined;
  value?: string | undefined;
  onChange?: (code: string | undefined) => void;
  id?: string;
  disabled?: boolean;
  allowClear?: boolean;
  placeholder?: string;
  status?: 'error' | 'warning' | '';
}) {
  const { t } = useI18n();
  const [options, setOptions] = useState<Option[]>([]);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    if (!countyCode) { setOptions([]); return; }
    let live = true;
    setLoading(true);
    regionsApi.children(countyCode).then(async (r) => {
      const towns = r.items.map((x) => toOption(x, false));
      // Load the villages of the township already chosen, so the label shows in full.
      const town = value && value.length >= 9 ? value.slice(0, 9) : null;
      if (town) {
        const target = towns.find((o) => o.value === town);
        if (target) target.children = (await regionsApi.children(town)).items.map((x) => toOption(x, true));
      }
      if (live) setOptions(towns);
    }).catch(() => { if (live) setOptions([]); }).finally(() => { if (live) setLoading(false); });
    return () => { live = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [countyCode]);

  const loadData = (selected: Option[]) => {
    const target = selected[selected.length - 1];
    if (!target || target.children) return;
    target.loading = true;
    setOptions((o) => [...o]);
    regionsApi.children(target.value).then((r) => {
      target.children = r.items.map((x) => toOption(x, true));
      if (!target.children.length) target.isLeaf = true;
    }).catch(() => { target.isLeaf = true; }).finally(() => {
      target.loading = false;
      setOptions((o) => [...o]);
    });
  };

  const path = value ? (value.length === 12 ? [value.slice(0, 9), value] : [value]) : undefined;
  return (
    <Cascader<Option>
      id={id}
      options={options}
      loadData={loadData}
      value={path}
      onChange={(v) => onChange?.(v && v.length ? String(v[v.length - 1]) : undefined)}
      changeOnSelect
      showSearch={false}
      loading={loading}
      disabled={disabled || !countyCode}
      allowClear={allowClear}
      placeholder={placeholder ?? t('region.placeholder')}
      status={status ?? ''}
      style={{ width: '100%' }}
    />
  );
}
