import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers.js';
import { COUNTY_A, makeCounty, makeLicence, makeProduct, makeSupplier, makeUser } from '../../../test/factories.js';
import { systemCtx } from '../../context.js';
import { AppError } from '../../platform/http/errors.js';
import { ORDER_STATUSES, type OrderStatus } from './orders.tables.js';
import { ORDER_TRANSITIONS } from './transitions.js';
import { transitionOrder } from './orders.service.js';

let t: TestApp;
let orderId: string;

beforeAll(async () => {
  t = await createTestApp();
  const { operator } = await makeCounty(t, COUNTY_A);
  const sup = await makeSupplier(t);
  await makeLicence(t, operator.client, sup, 'produce_certificate');
  const p = await makeProduct(t, operator.client, sup, { publish: true });
  const b = await makeUser(t, [{ role: 'buyer' }]);
  const addr = await b.client.post('/api/v1/me/addresses', { recipientName: '甲', phone: '13812345678', regionCode: '110105', detail: '一号' });
  const c = await b.client.request('POST', '/api/v1/checkouts', { items: [{ skuId: p.skuIds[0], quantity: 1 }], addressId: addr.body.id }, { 'idempotency-key': `k-${randomUUID()}` });
  orderId = c.body.orders[0].id;
});
afterAll(async () => { await t.close(); });

describe('the order lifecycle table', () => {
  it('every status appears in the table, and nothing leaves a final status', () => {
    expect(Object.keys(ORDER_TRANSITIONS).sort()).toEqual([...ORDER_STATUSES].sort());
    expect(ORDER_TRANSITIONS.cancelled).toEqual([]);
    expect(ORDER_TRANSITIONS.closed).toEqual([]);
  });

  it('refuses every move the table does not allow, and allows every move it does, against the database', async () => {
    const ctx = systemCtx(t.deps);
    let checked = 0;
    for (const from of ORDER_STATUSES) {
      for (const to of ORDER_STATUSES) {
        await t.deps.db.updateTable('shop_order').set({ status: from }).where('id', '=', orderId).execute();
        const order = await t.deps.db.selectFrom('shop_order').selectAll().where('id', '=', orderId).executeTakeFirstOrThrow();
        const allowed = ORDER_TRANSITIONS[from].includes(to);
        const result = await transitionOrder(ctx, order, to).then(() => 'moved', (e: unknown) => e);
        const now = (await t.deps.db.selectFrom('shop_order').select('status').where('id', '=', orderId).executeTakeFirstOrThrow()).status as OrderStatus;
        if (allowed) {
          expect(result, `${from} → ${to}`).toBe('moved');
          expect(now).toBe(to);
        } else {
          expect(result, `${from} → ${to}`).toBeInstanceOf(AppError);
          expect((result as AppError).code).toBe('invalid_transition');
          expect(now, `${from} → ${to} left the order alone`).toBe(from);
        }
        checked++;
      }
    }
    expect(checked).toBe(ORDER_STATUSES.length ** 2);
  });

  it('a stale copy of the order cannot move it: the update is conditional on the status read', async () => {
    await t.deps.db.updateTable('shop_order').set({ status: 'paid' }).where('id', '=', orderId).execute();
    const stale = await t.deps.db.selectFrom('shop_order').selectAll().where('id', '=', orderId).executeTakeFirstOrThrow();
    await transitionOrder(systemCtx(t.deps), stale, 'shipped');
    await expect(transitionOrder(systemCtx(t.deps), stale, 'shipped')).rejects.toMatchObject({ code: 'concurrent_change' });
  });
});
