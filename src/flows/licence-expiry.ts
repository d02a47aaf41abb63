import { type Deps, systemCtx } from '../context.js';
import { expireLicences, sendExpiryReminders } from '../modules/suppliers/index.js';
import { unlistAllProductsMissingLicences } from '../modules/catalog/index.js';

/**
 * Daily licence housekeeping, crossing suppliers and catalog: expire lapsed licences,
 * take off sale what they no longer cover, and remind holders 30 days ahead.
 * Safe to run in several processes at once: every step is a conditional update.
 */
export async function runLicenceHousekeeping(deps: Deps, today?: string) {
  const ctx = systemCtx(deps);
  const expired = await expireLicences(ctx, today);
  // Every on-sale product is checked, not only those of licences expired in this run: a run
  // that stopped between the two steps is made good by the next one.
  const unlisted = await unlistAllProductsMissingLicences(ctx);
  const reminded = await sendExpiryReminders(ctx, today);
  return { expired: expired.length, unlisted: unlisted.length, reminded };
}

/** Runs the housekeeping at start-up and then hourly; returns a stop function. */
export function startLicenceJobs(deps: Deps): () => void {
  const run = () => runLicenceHousekeeping(deps)
    .then((r) => { if (r.expired || r.reminded) deps.log.info(r, 'licence housekeeping'); })
    .catch((err) => deps.log.error({ err }, 'licence housekeeping failed'));
  const first = setTimeout(run, 1000);
  const timer = setInterval(run, 60 * 60 * 1000);
  timer.unref();
  first.unref();
  return () => { clearTimeout(first); clearInterval(timer); };
}
