import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Deps, ctxFromRequest } from '../../context.js';
import { PageQuery } from '../../platform/http/pagination.js';
import { invalid } from '../../platform/http/errors.js';
import { isValidDate } from '../../platform/time.js';
import * as svc from './ledger.service.js';
import { AccountKindSchema, BalancesView, CountyCode, DateString, EntryView, StatementView, TrialBalanceView } from './ledger.schema.js';

const READERS = ['center_admin', 'operator', 'official'] as const;
/** Statements: the county's readers, and a supplier or host for its own account. */
const STATEMENT_READERS = ['center_admin', 'operator', 'official', 'supplier', 'host'] as const;
const AccountParams = Type.Object({ accountId: Type.String({ maxLength: 80 }) });
const EntryParams = Type.Object({ entryId: Type.String({ maxLength: 80 }) });

function checkDate(pointer: string, value: string | undefined) {
  if (value !== undefined && !isValidDate(value)) throw invalid(pointer, 'Not a calendar date');
}

export function ledgerRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/ledger/accounts', {
      config: { access: READERS },
      schema: {
        tags: ['ledger'], summary: "A county's ledger accounts with their balances (another county's books read as empty)",
        querystring: Type.Object({ countyCode: CountyCode, kind: Type.Optional(AccountKindSchema) }),
        response: { 200: BalancesView },
      },
    }, async (req) => svc.balances(ctxFromRequest(deps, req), req.query.countyCode, { kind: req.query.kind }));

    app.get('/ledger/accounts/:accountId/postings', {
      config: { access: STATEMENT_READERS },
      schema: {
        tags: ['ledger'], summary: "An account's statement for a period of business dates, oldest first, with running balance",
        params: AccountParams,
        querystring: Type.Object({ ...PageQuery, from: Type.Optional(DateString), to: Type.Optional(DateString) }),
        response: { 200: StatementView },
      },
    }, async (req) => {
      checkDate('/query/from', req.query.from);
      checkDate('/query/to', req.query.to);
      return svc.accountStatement(ctxFromRequest(deps, req), req.params.accountId, { ...req.query, limit: req.query.limit ?? 20 });
    });

    app.get('/ledger/entries/:entryId', {
      config: { access: READERS },
      schema: { tags: ['ledger'], summary: 'One ledger entry with its postings', params: EntryParams, response: { 200: EntryView } },
    }, async (req) => svc.getEntry(ctxFromRequest(deps, req), req.params.entryId));

    app.get('/ledger/trial-balance', {
      config: { access: READERS },
      schema: {
        tags: ['ledger'], summary: "A county's trial balance (up to a business date): debits equal credits",
        querystring: Type.Object({ countyCode: CountyCode, asOf: Type.Optional(DateString) }),
        response: { 200: TrialBalanceView },
      },
    }, async (req) => {
      checkDate('/query/asOf', req.query.asOf);
      return svc.trialBalance(ctxFromRequest(deps, req), req.query.countyCode, req.query.asOf);
    });
  };
}
