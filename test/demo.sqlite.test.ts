import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers.js';
import { seedDemoIfEmpty } from '../src/modules/demo/index.js';

/** The demo county `npm start` seeds: it must seed cleanly through the real services. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('demo seed', () => {
  it('seeds once: suppliers, products on sale, the host on the roster, an approved live session with a run-of-show and an open training cohort', async () => {
    expect(await seedDemoIfEmpty(t.deps)).toBe(true);
    expect(await seedDemoIfEmpty(t.deps)).toBe(false);
    const onSale = await t.deps.db.selectFrom('product').select('id').where('status', '=', 'on_sale').execute();
    expect(onSale.length).toBeGreaterThan(10);
    const feed = await t.client().get('/api/v1/live/public/sessions');
    expect(feed.status).toBe(200);
    expect(feed.body.upcoming).toHaveLength(1);
    expect(feed.body.upcoming[0]).toMatchObject({ approval: 'approved', status: 'scheduled', itemCount: 3 });
    const host = await t.client().post('/api/v1/auth/login', { phone: '13900000004', password: 'fengshou2026' });
    expect(host.status).toBe(200);
    // Training: an open cohort anyone in the county can join, the trainee in it with a class attended.
    const open = await t.client().get('/api/v1/training/open-cohorts?countyCode=220622');
    expect(open.status).toBe(200);
    expect(open.body.items).toEqual([expect.objectContaining({ name: '第一期农民主播培训班', enrolledCount: 1 })]);
    const trainee = t.client();
    expect((await trainee.post('/api/v1/auth/login', { phone: '13900000005', password: 'fengshou2026' })).status).toBe(200);
    const mine = await trainee.get('/api/v1/training/me');
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0].progress).toMatchObject({ eligible: false, attendance: { attended: 1, meetings: 2 }, lessons: { completed: 1, total: 5 } });
  }, 120_000);
});
