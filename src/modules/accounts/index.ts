/**
 * Accounts: people, their roles and where those roles apply, sign-in sessions.
 * Other modules use `resolveSession` (through the access-control hook) and never read the
 * account tables directly.
 */
export { accountRoutes } from './accounts.routes.js';
export { resolveSession, hashPassword } from './accounts.service.js';
export { insertGrant } from './accounts.repo.js';
export { forgetSessions, forgetSessionsOnCommit, listenForSessionChanges } from './session-cache.js';
export { devSmsProvider, aliyunSmsProvider, type SmsProvider, type SmsMessage } from './sms.js';
export type { AccountsTables } from './accounts.tables.js';
