import type { Role } from '../../platform/http/access.js';
import type { LicenceKind, SupplierType } from '../suppliers/index.js';

/** The demo county: 靖宇县 (220622), a forest county in the Changbai mountains. Suppliers and people are fictional. */
export const DEMO_COUNTY = '220622';
export const DEMO_CITY = '2206';
export const DEMO_CENTER_NAME = '靖宇县电商服务中心（演示）';
export const DEMO_PASSWORD = 'fengshou2026';

export const DEMO_ACCOUNTS: { phone: string; name: string; role: Role; prefix: string; supplierIndex?: number }[] = [
  { phone: '13900000001', name: '赵主任', role: 'center_admin', prefix: DEMO_COUNTY },
  { phone: '13900000002', name: '钱运营', role: 'operator', prefix: DEMO_COUNTY },
  { phone: '13900000003', name: '孙合作社', role: 'supplier', prefix: DEMO_COUNTY, supplierIndex: 0 },
  { phone: '13900000004', name: '李主播', role: 'host', prefix: DEMO_COUNTY },
  { phone: '13900000005', name: '周学员', role: 'trainee', prefix: DEMO_COUNTY },
  { phone: '13900000006', name: '吴买家', role: 'buyer', prefix: '' },
  { phone: '13900000007', name: '郑团长', role: 'group_leader', prefix: DEMO_COUNTY },
  { phone: '13900000008', name: '王书记', role: 'village_cadre', prefix: DEMO_COUNTY },
  { phone: '13900000009', name: '冯领导', role: 'official', prefix: DEMO_CITY },
];

export interface DemoSupplier {
  name: string;
  type: SupplierType;
  contact: string;
  village: string;
  story: string;
  licences: { kind: LicenceKind; status: 'verified' | 'submitted' | 'rejected'; number: string; expiresInDays: number }[];
}

// Villages of 靖宇县 from the 2023 division codes.
const V = {
  lianhe: '220622100200', jingan: '220622100201', sanhe: '220622101200', dajing: '220622101201', xiangyang: '220622101202',
  longxi: '220622102200', shuanglong: '220622102201', naerhong: '220622103200', huayuan: '220622104200', jingshan: '220622105200',
  chisong: '220622106200', qingshan: '220622106204',
};

const cert = (status: 'verified' | 'submitted' | 'rejected' = 'verified', expiresInDays = 300) =>
  ({ kind: 'produce_certificate' as const, status, number: '', expiresInDays });

export const DEMO_SUPPLIERS: DemoSupplier[] = [
  { name: '靖宇蓝莓种植专业合作社', type: 'cooperative', contact: '孙立新', village: V.lianhe, story: '合作社带动联合村42户种植笃斯蓝莓，林下生长，不打农药。', licences: [cert()] },
  { name: '三道湖木耳专业合作社', type: 'cooperative', contact: '刘长春', village: V.sanhe, story: '椴木和菌袋两种黑木耳，秋耳肉厚，晒干后一斤泡发十斤。', licences: [cert()] },
  { name: '赤松红松籽合作社', type: 'cooperative', contact: '高德胜', village: V.chisong, story: '红松林下自然落果，人工捡拾、开口炒制。', licences: [cert(), { kind: 'workshop_registration', status: 'verified', number: '吉食坊登字2206220031号', expiresInDays: 700 }] },
  { name: '张大山家庭农场', type: 'family_farm', contact: '张大山', village: V.jingan, story: '一家三口种了80亩小米和大豆，用农家肥。', licences: [cert()] },
  { name: '龙泉山猴头菇家庭农场', type: 'family_farm', contact: '马秀兰', village: V.longxi, story: '返乡青年马秀兰在老家大棚里种猴头菇。', licences: [cert('verified', 20)] },
  { name: '花园口山野菜家庭农场', type: 'family_farm', contact: '陈国庆', village: V.huayuan, story: '春天采刺嫩芽、蕨菜，夏天采蓝莓。', licences: [cert('submitted')] },
  { name: '王老汉蜂场', type: 'farmer', contact: '王福', village: V.naerhong, story: '七月椴树花开，王老汉守着120箱蜂摇成熟蜜。', licences: [cert(), { kind: 'workshop_registration', status: 'submitted', number: '吉食坊登字2206220057号', expiresInDays: 700 }] },
  { name: '李桂芝蓝莓园', type: 'farmer', contact: '李桂芝', village: V.dajing, story: '李大姐一个人管着5亩蓝莓，每年七月底成熟。', licences: [cert()] },
  { name: '赵家人参地', type: 'farmer', contact: '赵永利', village: V.jingshan, story: '林下参，种了十五年。', licences: [cert('rejected')] },
  { name: '靖宇县山珍小作坊', type: 'small_workshop', contact: '孟庆华', village: V.xiangyang, story: '手工晾晒、分拣的干货小作坊。', licences: [{ kind: 'workshop_registration', status: 'verified', number: '吉食坊登字2206220012号', expiresInDays: 500 }] },
  { name: '景山蓝莓酱坊', type: 'small_workshop', contact: '邹小燕', village: V.jingshan, story: '用当天采的蓝莓熬酱，只加白砂糖。', licences: [{ kind: 'workshop_registration', status: 'submitted', number: '吉食坊登字2206220088号', expiresInDays: 600 }] },
  { name: '双龙豆腐坊', type: 'small_workshop', contact: '韩德福', village: V.shuanglong, story: '卤水点豆腐，做了三十年。', licences: [] },
  { name: '长白山林下食品有限公司', type: 'enterprise', contact: '周经理', village: V.lianhe, story: '县里的蓝莓果干、蓝莓汁加工企业。', licences: [{ kind: 'food_production', status: 'verified', number: 'SC11122062200032', expiresInDays: 900 }, { kind: 'food_business', status: 'verified', number: 'JY12206220001234', expiresInDays: 900 }] },
  { name: '靖宇矿泉饮品有限公司', type: 'enterprise', contact: '吴经理', village: V.qingshan, story: '靖宇矿泉水源地的饮品企业。', licences: [{ kind: 'food_production', status: 'submitted', number: 'SC10622062200045', expiresInDays: 1000 }] },
  { name: '濛江手工艺合作社', type: 'cooperative', contact: '朴英子', village: V.jingan, story: '桦树皮画、柳编，冬闲时妇女们做的手工。', licences: [] },
];

export interface DemoProduct {
  supplier: number;
  category: string;
  title: string;
  subtitle: string;
  unit: string;
  skus: { spec: string; priceFen: number; weightG: number; stock: number; presaleDays?: number }[];
  batch?: { kind: 'harvest' | 'production'; daysAgo: number; quantity: number; unit: string; shelfLifeDays: number };
  selection?: { commissionBp: number; points: string[]; samples: number };
  publish: boolean;
}

const s = (spec: string, priceFen: number, weightG: number, stock: number, presaleDays?: number) => ({ spec, priceFen, weightG, stock, ...(presaleDays ? { presaleDays } : {}) });

export const DEMO_PRODUCTS: DemoProduct[] = [
  { supplier: 0, category: 'fresh_fruit', title: '长白山野生笃斯蓝莓鲜果', subtitle: '林下自然生长，当天采摘冷链发货', unit: '盒', skus: [s('125g×4盒', 5990, 700, 120), s('125g×8盒', 10990, 1300, 60)], batch: { kind: 'harvest', daysAgo: 2, quantity: 800, unit: '斤', shelfLifeDays: 10 }, selection: { commissionBp: 1500, points: ['林下野生', '冷链48小时到家', '果粉完整'], samples: 10 }, publish: true },
  { supplier: 0, category: 'fresh_fruit', title: '蓝莓鲜果预售（8月初发货）', subtitle: '第二茬蓝莓，提前锁定', unit: '箱', skus: [s('2.5kg 整箱', 19900, 2800, 200, 20)], selection: { commissionBp: 1200, points: ['预售锁价', '整箱更划算'], samples: 0 }, publish: true },
  { supplier: 7, category: 'fresh_fruit', title: '李大姐家蓝莓 自家果园', subtitle: '5亩小园子，一颗颗手摘', unit: '盒', skus: [s('125g×6盒', 7900, 1000, 40)], batch: { kind: 'harvest', daysAgo: 1, quantity: 120, unit: '斤', shelfLifeDays: 10 }, selection: { commissionBp: 1000, points: ['农户直供', '手工采摘'], samples: 3 }, publish: true },
  { supplier: 1, category: 'mountain_goods', title: '三道湖秋木耳 椴木黑木耳', subtitle: '肉厚无根，一斤泡发十斤', unit: '袋', skus: [s('250g', 3980, 300, 300), s('500g', 7580, 560, 150)], batch: { kind: 'harvest', daysAgo: 40, quantity: 2000, unit: '斤', shelfLifeDays: 540 }, selection: { commissionBp: 2000, points: ['秋耳肉厚', '无根免洗'], samples: 20 }, publish: true },
  { supplier: 1, category: 'mountain_goods', title: '黑木耳碎 家常实惠装', subtitle: '分拣剩下的小朵，一样好吃', unit: '袋', skus: [s('1kg', 8800, 1100, 80)], publish: true },
  { supplier: 2, category: 'mountain_goods', title: '红松籽 开口手剥', subtitle: '长白山红松林下自然落果', unit: '罐', skus: [s('500g 罐装', 8990, 650, 100), s('250g 袋装', 4790, 280, 200)], batch: { kind: 'harvest', daysAgo: 60, quantity: 600, unit: '斤', shelfLifeDays: 365 }, selection: { commissionBp: 1800, points: ['颗粒饱满', '原味开口'], samples: 8 }, publish: true },
  { supplier: 2, category: 'processed_food', title: '椒盐松子仁', subtitle: '合作社小作坊现炒', unit: '袋', skus: [s('200g', 5980, 230, 90)], publish: true },
  { supplier: 3, category: 'grain_oil', title: '张大山家农家小米', subtitle: '当年新米，熬粥有米油', unit: '袋', skus: [s('2.5kg', 4590, 2600, 150), s('5kg', 8590, 5100, 60)], batch: { kind: 'harvest', daysAgo: 50, quantity: 4000, unit: '斤', shelfLifeDays: 365 }, selection: { commissionBp: 1200, points: ['当年新米', '农家肥种植'], samples: 15 }, publish: true },
  { supplier: 3, category: 'grain_oil', title: '东北大豆 非转基因', subtitle: '打豆浆、做豆腐', unit: '袋', skus: [s('2.5kg', 3290, 2600, 100)], publish: true },
  { supplier: 3, category: 'grain_oil', title: '黄豆油 压榨一级', subtitle: '自家大豆榨油', unit: '桶', skus: [s('5L', 12800, 4700, 0)], publish: false },
  { supplier: 4, category: 'mountain_goods', title: '猴头菇干品', subtitle: '返乡青年大棚种植，整朵烘干', unit: '袋', skus: [s('250g', 6990, 300, 70)], batch: { kind: 'harvest', daysAgo: 15, quantity: 300, unit: '斤', shelfLifeDays: 365 }, selection: { commissionBp: 1500, points: ['整朵无碎', '养胃'], samples: 5 }, publish: true },
  { supplier: 4, category: 'fresh_vegetable', title: '新鲜猴头菇', subtitle: '当天采收顺丰冷链', unit: '盒', skus: [s('1kg', 5990, 1200, 30)], publish: true },
  { supplier: 5, category: 'fresh_vegetable', title: '刺嫩芽 山野菜', subtitle: '春季限定', unit: '盒', skus: [s('500g', 6990, 600, 0)], publish: false },
  { supplier: 5, category: 'mountain_goods', title: '干蕨菜', subtitle: '手工晾晒', unit: '袋', skus: [s('250g', 3590, 300, 60)], publish: false },
  { supplier: 6, category: 'bee_products', title: '长白山椴树蜜 成熟蜜', subtitle: '七月椴树花期，120箱蜂摇的蜜', unit: '瓶', skus: [s('500g', 6800, 650, 100), s('1kg', 12800, 1250, 40)], batch: { kind: 'production', daysAgo: 100, quantity: 900, unit: '斤', shelfLifeDays: 730 }, publish: false },
  { supplier: 6, category: 'bee_products', title: '椴树雪蜜 结晶蜜', subtitle: '天冷自然结晶', unit: '瓶', skus: [s('500g', 7800, 650, 60)], publish: false },
  { supplier: 8, category: 'mountain_goods', title: '林下参 鲜参', subtitle: '15年林下参', unit: '支', skus: [s('单支 约20g', 39900, 50, 10)], publish: false },
  { supplier: 9, category: 'processed_food', title: '手工晾晒榛蘑', subtitle: '小鸡炖蘑菇就用它', unit: '袋', skus: [s('250g', 4980, 300, 120)], batch: { kind: 'production', daysAgo: 30, quantity: 500, unit: '斤', shelfLifeDays: 365 }, selection: { commissionBp: 1600, points: ['小鸡炖蘑菇', '手工挑拣'], samples: 6 }, publish: true },
  { supplier: 9, category: 'processed_food', title: '山野菜干货组合', subtitle: '蕨菜、薇菜、猴腿', unit: '盒', skus: [s('三样各150g', 8900, 550, 50)], publish: true },
  { supplier: 9, category: 'processed_food', title: '东北酸菜 手工腌制', subtitle: '大缸腌的老味道', unit: '袋', skus: [s('2.5kg', 3990, 2600, 80)], publish: true },
  { supplier: 10, category: 'processed_food', title: '景山手工蓝莓酱', subtitle: '当天采的蓝莓熬制', unit: '瓶', skus: [s('300g', 3580, 480, 100)], publish: false },
  { supplier: 11, category: 'processed_food', title: '卤水豆腐干', subtitle: '三十年老作坊', unit: '袋', skus: [s('500g', 2590, 560, 50)], publish: false },
  { supplier: 12, category: 'processed_food', title: '蓝莓果干 无添加', subtitle: '整颗冻干', unit: '袋', skus: [s('100g', 3990, 150, 400), s('100g×3袋', 10990, 420, 150)], batch: { kind: 'production', daysAgo: 20, quantity: 5000, unit: '袋', shelfLifeDays: 365 }, selection: { commissionBp: 2000, points: ['整颗冻干', '无添加蔗糖'], samples: 30 }, publish: true },
  { supplier: 12, category: 'processed_food', title: '蓝莓原浆', subtitle: '100% 蓝莓鲜榨', unit: '箱', skus: [s('250ml×10瓶', 15800, 3000, 120)], selection: { commissionBp: 1800, points: ['不加一滴水', '花青素'], samples: 12 }, publish: true },
  { supplier: 12, category: 'processed_food', title: '蓝莓花青素饮料', subtitle: '随身小瓶', unit: '箱', skus: [s('300ml×12瓶', 6900, 4000, 200)], publish: true },
  { supplier: 12, category: 'processed_food', title: '黑木耳脆片', subtitle: '休闲零食', unit: '袋', skus: [s('60g×5袋', 4500, 350, 150)], publish: true },
  { supplier: 13, category: 'processed_food', title: '靖宇矿泉水', subtitle: '长白山天然矿泉', unit: '箱', skus: [s('550ml×24瓶', 4800, 13500, 300)], publish: false },
  { supplier: 14, category: 'handicraft', title: '桦树皮画 长白山风景', subtitle: '合作社妇女手工制作', unit: '幅', skus: [s('30×40cm 带框', 26800, 1500, 12)], selection: { commissionBp: 2500, points: ['纯手工', '每幅都不一样'], samples: 1 }, publish: true },
  { supplier: 14, category: 'handicraft', title: '柳编收纳篮', subtitle: '冬闲手编', unit: '个', skus: [s('大号', 8800, 600, 25), s('小号', 4800, 300, 40)], publish: true },
  { supplier: 14, category: 'rural_tourism', title: '蓝莓采摘一日游', subtitle: '七八月，含午餐', unit: '人', skus: [s('成人票', 16800, 1, 50), s('儿童票', 8800, 1, 50)], publish: true },
  { supplier: 0, category: 'rural_tourism', title: '林下蓝莓园研学', subtitle: '亲子研学半日', unit: '人', skus: [s('亲子套票', 19800, 1, 30)], publish: true },
  { supplier: 1, category: 'mountain_goods', title: '黑木耳礼盒', subtitle: '年节送礼', unit: '盒', skus: [s('500g 礼盒', 12800, 900, 60)], publish: true },
  { supplier: 7, category: 'fresh_fruit', title: '蓝莓大果 18mm+', subtitle: '精选大果', unit: '盒', skus: [s('125g×4盒', 8990, 700, 0)], publish: true },
  { supplier: 3, category: 'grain_oil', title: '有机黄小米 礼盒', subtitle: '过年送长辈', unit: '盒', skus: [s('小米 500g×6', 13800, 3300, 40)], publish: true },
  { supplier: 2, category: 'mountain_goods', title: '榛子 东北平榛', subtitle: '野生平榛', unit: '袋', skus: [s('500g', 5990, 560, 100)], publish: true },
  { supplier: 4, category: 'fresh_vegetable', title: '新鲜平菇', subtitle: '大棚现采', unit: '斤', skus: [s('2斤装', 2590, 1100, 40)], publish: true },
  { supplier: 6, category: 'bee_products', title: '蜂王浆 鲜浆', subtitle: '冷冻保存', unit: '瓶', skus: [s('250g', 16800, 350, 20)], publish: false },
  { supplier: 0, category: 'processed_food', title: '蓝莓果酒（合作社自酿）', subtitle: '需要生产许可，暂不能上架', unit: '瓶', skus: [s('500ml', 9800, 900, 30)], publish: false },
  { supplier: 9, category: 'mountain_goods', title: '松茸干片', subtitle: '林区野生', unit: '袋', skus: [s('50g', 9900, 80, 30)], publish: false },
  { supplier: 7, category: 'fresh_fruit', title: '蓝莓冻果 做酱专用', subtitle: '速冻保存', unit: '袋', skus: [s('1kg', 4590, 1100, 60)], publish: true },
];
