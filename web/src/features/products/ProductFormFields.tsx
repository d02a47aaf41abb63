import { AutoComplete, Form, Input, Select } from 'antd';
import type { Category } from '../../api/types';
import { localName, useI18n } from '../../i18n';
import { requirementText } from '../../shared/problems';
import { useCategories } from '../../shared/useCategories';
import { RegionCascader } from '../admin/RegionCascader';

export const UNITS = ['盒', '斤', '袋', '箱', '瓶', '罐', '桶', '个', '支', '幅', '人', 'kg'];

export function categoryOptions(categories: Category[] | undefined, lang: 'zh-CN' | 'en') {
  return (categories ?? []).map((c) => ({ value: c.code, label: localName(lang, c) }));
}

/** Category with the licences it needs, title, subtitle, unit, origin village and description. */
export function ProductFormFields({ countyCode }: { countyCode: string | undefined }) {
  const { t, lang } = useI18n();
  const { data: categories } = useCategories();
  const form = Form.useFormInstance();
  const categoryCode = Form.useWatch('categoryCode', form) as string | undefined;
  const category = categories?.find((c) => c.code === categoryCode);
  return (
    <>
      <Form.Item
        name="categoryCode" label={t('product.category')} rules={[{ required: true, message: t('field.categoryCode.required') }]}
        extra={category ? (category.requiredLicences.length ? t('product.categoryNeeds', { licences: requirementText(category.requiredLicences, t) }) : t('product.categoryNeedsNothing')) : undefined}
      >
        <Select options={categoryOptions(categories, lang)} placeholder={t('product.categoryPick')} />
      </Form.Item>
      <Form.Item name="title" label={t('product.title')} rules={[{ required: true, message: t('field.title.required') }, { min: 2, max: 60, message: t('field.title.length') }]}>
        <Input maxLength={60} showCount placeholder={t('product.titlePlaceholder')} />
      </Form.Item>
      <Form.Item name="subtitle" label={t('product.subtitle')} rules={[{ max: 120 }]}>
        <Input maxLength={120} placeholder={t('product.subtitlePlaceholder')} />
      </Form.Item>
      <Form.Item name="unit" label={t('product.unit')} extra={t('product.unitHint')} rules={[{ required: true, message: t('field.unit.required') }, { max: 8 }]}>
        <AutoComplete options={UNITS.map((u) => ({ value: u }))} style={{ maxWidth: 200 }} maxLength={8} />
      </Form.Item>
      <Form.Item name="originVillageCode" label={t('product.origin')} rules={[{ required: true, message: t('field.originVillageCode.required') }]}>
        <RegionCascader countyCode={countyCode} />
      </Form.Item>
      <Form.Item name="description" label={t('product.description')} rules={[{ max: 20000 }]}>
        <Input.TextArea rows={5} maxLength={20000} placeholder={t('product.descriptionPlaceholder')} />
      </Form.Item>
    </>
  );
}
