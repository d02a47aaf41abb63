import type { AccountsTables } from './modules/accounts/accounts.tables.js';
import type { AftersalesTables } from './modules/aftersales/aftersales.tables.js';
import type { AuditTables } from './modules/audit/audit.tables.js';
import type { CatalogTables } from './modules/catalog/catalog.tables.js';
import type { FilesTables } from './modules/files/files.tables.js';
import type { HostsTables } from './modules/hosts/hosts.tables.js';
import type { LedgerTables } from './modules/ledger/ledger.tables.js';
import type { LiveTables } from './modules/live/live.tables.js';
import type { RoomTables } from './modules/live/room.tables.js';
import type { NotificationsTables } from './modules/notifications/notifications.tables.js';
import type { OrdersTables } from './modules/orders/orders.tables.js';
import type { PaymentsTables } from './modules/payments/payments.tables.js';
import type { SettlementTables } from './modules/settlement/settlement.tables.js';
import type { SuppliersTables } from './modules/suppliers/suppliers.tables.js';
import type { TrainingTables } from './modules/training/training.tables.js';

/** All tables, each owned by one module (see that module's *.tables.ts). */
export interface Database
  extends AccountsTables, AuditTables, NotificationsTables, FilesTables, SuppliersTables, CatalogTables, PaymentsTables, LedgerTables, OrdersTables, AftersalesTables, SettlementTables,
    LiveTables, HostsTables, TrainingTables, RoomTables {}
