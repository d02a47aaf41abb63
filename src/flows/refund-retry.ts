import type { Deps } from '../context.js';
import { retryLateRefunds } from '../modules/orders/index.js';
import { retryPendingRefunds } from '../modules/aftersales/index.js';

/**
 * Every few minutes, asks the provider again for refunds that could not be started (the
 * provider was down, or the process stopped between commit and call): late payments for
 * cancelled checkouts (orders) and after-sales refunds. Providers key refunds by our refund
 * number, so asking twice refunds once.
 */
export function startRefundRetryJob(deps: Deps): () => void {
  const run = () => Promise.all([retryLateRefunds(deps), retryPendingRefunds(deps)])
    .then(([late, cases]) => { if (late || cases) deps.log.info({ late, cases }, 'pending refunds retried'); })
    .catch((err) => deps.log.error({ err }, 'refund retry failed'));
  const timer = setInterval(run, 5 * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
