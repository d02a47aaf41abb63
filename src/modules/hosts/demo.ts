import type { Ctx } from '../../context.js';
import { bizDate } from '../../platform/time.js';
import { putExternalAccount, putProfile, setRealName } from './profiles.service.js';
import { addToShowcase } from './showcase.service.js';

/** A fictional ID number with a valid GB 11643 check character (region of the demo county, a woman born 1996). */
function demoIdNumber(countyCode: string): string {
  const body = `${countyCode}19960815346`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  return body + '10X98765432'[[...body].reduce((s, c, i) => s + Number(c) * w[i]!, 0) % 11];
}

/**
 * The demo county's host on the roster (`npm start` only): a returned-home youth in the first
 * township, verified, with two linked accounts and the first selection-base products in the
 * showcase. Goes through the services, as the console would.
 */
export async function seedDemoHost(admin: Ctx, input: { hostUserId: string; countyCode: string; displayName: string; productIds: string[] }) {
  await putProfile(admin, input.hostUserId, {
    countyCode: input.countyCode, kind: 'returned_youth', townshipCode: `${input.countyCode}100`, displayName: input.displayName,
    bio: '大学毕业回到靖宇，在直播间讲长白山的蓝莓、木耳和人参。', specialities: ['蓝莓', '木耳', '山货'],
    availability: { weekdays: [5, 6, 7], slots: ['evening'], note: '周末晚上 7 点开播' },
  });
  await setRealName(admin, input.hostUserId, { realName: '李晓梅', idNumber: demoIdNumber(input.countyCode) });
  await putExternalAccount(admin, input.hostUserId, 'douyin', { handle: 'jingyu_lanmei', followers: 12_800 });
  await putExternalAccount(admin, input.hostUserId, 'wechat_channels', { handle: '靖宇李晓梅', followers: 3_600 });
  for (const productId of input.productIds) await addToShowcase(admin, input.hostUserId, productId);
  return bizDate();
}
