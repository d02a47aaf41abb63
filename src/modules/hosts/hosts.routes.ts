import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Deps, ctxFromRequest } from '../../context.js';
import type { Role } from '../../platform/http/access.js';
import { readUpload } from '../files/index.js';
import { readSheet } from '../fulfilment/sheets.js';
import * as profiles from './profiles.service.js';
import * as showcase from './showcase.service.js';
import * as matches from './matches.service.js';
import * as performance from './performance.service.js';
import { funnelRoutes } from './funnel.routes.js';
import { XLSX_TYPE, checkDates, performanceXlsx, sendFile } from './hosts.exports.js';
import {
  AccountBody, CountyCode, CountyPeriodQuery, DecideBody, DirectoryView,
  HostPerformanceView, Id, ImportView, MatchBody, MatchList, MatchQuery, MatchView, OwnProfileBody, PeriodQuery, PlatformSchema, ProfileBody, ProfileView,
  PublicProfileView, RealNameBody, RevealBody, RevealView, ReviewBody, RosterQuery, RosterView, SampleBody, SampleList, SampleQuery, SampleView,
  SettingsBody, SettingsView, ShipBody, ShowcaseAddBody, ShowcaseAddView, ShowcaseView, XlsxFile, CountyPerformanceView,
} from './hosts.schema.js';

const CENTER = ['center_admin', 'operator'] as const satisfies readonly Role[];
const READERS = ['center_admin', 'operator', 'official'] as const satisfies readonly Role[];
const HOST_OR_CENTER = ['host', ...CENTER] as const satisfies readonly Role[];
const HOST_OR_READERS = ['host', ...READERS] as const satisfies readonly Role[];
const MATCH_PARTIES = ['host', 'supplier', ...CENTER] as const satisfies readonly Role[];
const MATCH_READERS = ['host', 'supplier', ...READERS] as const satisfies readonly Role[];
const tags = ['hosts'];
const HostParams = Type.Object({ hostUserId: Id('host user id') });

export function hostsRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    // ---- roster and profiles -------------------------------------------------------------------
    app.get('/hosts', {
      config: { access: READERS },
      schema: { tags, summary: "The county's host roster (主播矩阵): every host-role user, with or without a profile; ID numbers masked", querystring: RosterQuery, response: { 200: RosterView } },
    }, async (req) => profiles.listRoster(ctxFromRequest(deps, req), req.query));

    app.get('/hosts/:hostUserId', {
      config: { access: HOST_OR_READERS },
      schema: { tags, summary: 'A host profile (the host itself, or its county); the ID number masked', params: HostParams, response: { 200: ProfileView } },
    }, async (req) => profiles.getProfile(ctxFromRequest(deps, req), req.params.hostUserId));

    app.put('/hosts/:hostUserId/profile', {
      config: { access: CENTER },
      schema: { tags, summary: 'Put a host on the roster or change its entry: kind, township, name shown, bio, specialities, availability; audited', params: HostParams, body: ProfileBody, response: { 200: ProfileView } },
    }, async (req) => profiles.putProfile(ctxFromRequest(deps, req), req.params.hostUserId, req.body));

    app.get('/me/host', {
      config: { access: ['host'] },
      schema: { tags, summary: 'My host profile', response: { 200: ProfileView } },
    }, async (req) => profiles.getProfile(ctxFromRequest(deps, req), req.actor!.userId));

    app.patch('/me/host', {
      config: { access: ['host'] },
      schema: { tags, summary: 'Edit what my profile says (name shown, bio, specialities, availability)', body: OwnProfileBody, response: { 200: ProfileView } },
    }, async (req) => profiles.patchOwnProfile(ctxFromRequest(deps, req), req.body));

    app.put('/hosts/:hostUserId/real-name', {
      config: { access: HOST_OR_CENTER },
      schema: {
        tags, summary: 'Real-name verification (实名认证): name and ID number (checksum, age ≥ 16, guardian consent for 16–17); entered by the center it is verified, by the host pending',
        params: HostParams, body: RealNameBody, response: { 200: ProfileView },
      },
    }, async (req) => profiles.setRealName(ctxFromRequest(deps, req), req.params.hostUserId, req.body));

    app.post('/hosts/:hostUserId/real-name/review', {
      config: { access: CENTER },
      schema: { tags, summary: "Verify or reject a host's own real-name submission", params: HostParams, body: ReviewBody, response: { 200: ProfileView } },
    }, async (req) => profiles.reviewRealName(ctxFromRequest(deps, req), req.params.hostUserId, req.body.verdict, req.body.note ?? '', req.body.expectedUpdatedAt));

    app.post('/hosts/:hostUserId/real-name/reveal', {
      config: { access: ['center_admin'] },
      schema: { tags, summary: 'The full ID number, with a reason: an audited sensitive read', params: HostParams, body: RevealBody, response: { 200: RevealView } },
    }, async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return profiles.revealIdNumber(ctxFromRequest(deps, req), req.params.hostUserId, req.body.reason);
    });

    app.put('/hosts/:hostUserId/external-accounts/:platform', {
      config: { access: HOST_OR_CENTER },
      schema: { tags, summary: 'Link a Douyin, Kuaishou or WeChat Channels account with its follower count', params: Type.Object({ hostUserId: Id('host'), platform: PlatformSchema }), body: AccountBody, response: { 200: ProfileView } },
    }, async (req) => profiles.putExternalAccount(ctxFromRequest(deps, req), req.params.hostUserId, req.params.platform, req.body));

    app.delete('/hosts/:hostUserId/external-accounts/:platform', {
      config: { access: HOST_OR_CENTER },
      schema: { tags, summary: 'Unlink an external account', params: Type.Object({ hostUserId: Id('host'), platform: PlatformSchema }), response: { 200: ProfileView } },
    }, async (req) => profiles.deleteExternalAccount(ctxFromRequest(deps, req), req.params.hostUserId, req.params.platform));

    app.post('/host-imports/external-accounts', {
      config: { access: CENTER },
      schema: {
        tags, summary: 'Import linked accounts from XLSX or CSV (columns 手机号, 平台, 账号, 粉丝数; multipart field "file"); errors per row',
        querystring: Type.Object({ countyCode: CountyCode }), consumes: ['multipart/form-data'], response: { 200: ImportView },
      },
    }, async (req) => profiles.importExternalAccounts(ctxFromRequest(deps, req), req.query.countyCode, await readSheet(await readUpload(req, deps))));

    app.get('/host-settings/:countyCode', {
      config: { access: HOST_OR_READERS },
      schema: { tags, summary: "The county's commission cap for host policies", params: Type.Object({ countyCode: CountyCode }), response: { 200: SettingsView } },
    }, async (req) => profiles.getSettings(ctxFromRequest(deps, req), req.params.countyCode));

    app.put('/host-settings/:countyCode', {
      config: { access: ['center_admin'] },
      schema: { tags, summary: "Set the county's commission cap (0–5000 bp); refused while a policy takes more; audited", params: Type.Object({ countyCode: CountyCode }), body: SettingsBody, response: { 200: SettingsView } },
    }, async (req) => profiles.putSettings(ctxFromRequest(deps, req), req.params.countyCode, req.body.maxCommissionBp));

    app.get('/store/hosts', {
      config: { access: 'public' },
      schema: { tags, summary: "The county's verified hosts (name shown, kind, township, specialities, followers): no ID data or phone", querystring: Type.Object({ countyCode: CountyCode }), response: { 200: DirectoryView } },
    }, async (req) => showcase.publicDirectory(ctxFromRequest(deps, req), req.query.countyCode));

    app.get('/store/hosts/:hostUserId', {
      config: { access: 'public' },
      schema: { tags, summary: "A verified host's public page: no ID data or phone; its sellable showcase and, for an official, its public pledge", params: HostParams, response: { 200: PublicProfileView } },
    }, async (req) => showcase.publicProfile(ctxFromRequest(deps, req), req.params.hostUserId));

    // ---- showcase -------------------------------------------------------------------------------
    app.get('/hosts/:hostUserId/showcase', {
      config: { access: HOST_OR_READERS },
      schema: { tags, summary: "A host's showcase (橱窗), each product with whether it can still be sold", params: HostParams, response: { 200: ShowcaseView } },
    }, async (req) => showcase.listShowcase(ctxFromRequest(deps, req), req.params.hostUserId));

    app.post('/hosts/:hostUserId/showcase', {
      config: { access: HOST_OR_CENTER },
      schema: {
        tags, summary: 'Add a product from the selection base (refused: not in the selection base, not on sale, supplier suspended or licence lapsed)',
        params: HostParams, body: ShowcaseAddBody, response: { 200: ShowcaseAddView, 201: ShowcaseAddView },
      },
    }, async (req, reply) => {
      const res = await showcase.addToShowcase(ctxFromRequest(deps, req), req.params.hostUserId, req.body.productId);
      return reply.status(res.added ? 201 : 200).send(res);
    });

    app.delete('/hosts/:hostUserId/showcase/:productId', {
      config: { access: HOST_OR_CENTER },
      schema: { tags, summary: 'Take a product out of the showcase', params: Type.Object({ hostUserId: Id('host'), productId: Id('product') }), response: { 200: ShowcaseView } },
    }, async (req) => showcase.removeFromShowcase(ctxFromRequest(deps, req), req.params.hostUserId, req.params.productId));

    // ---- matchmaking and samples ---------------------------------------------------------------
    app.get('/host-matches', {
      config: { access: MATCH_READERS },
      schema: { tags, summary: 'Matchmaking requests I may see (the county, my products, or mine as a host), newest first', querystring: MatchQuery, response: { 200: MatchList } },
    }, async (req) => matches.listMatches(ctxFromRequest(deps, req), req.query));

    app.post('/host-matches', {
      config: { access: MATCH_PARTIES },
      schema: { tags, summary: 'A supplier invites a host to carry a product, or a host applies to carry one (带货申请); the center decides', body: MatchBody, response: { 201: MatchView } },
    }, async (req, reply) => reply.status(201).send(await matches.createMatch(ctxFromRequest(deps, req), req.body)));

    app.post('/host-matches/:matchId/decide', {
      config: { access: CENTER },
      schema: { tags, summary: 'Approve (the product enters the host showcase) or reject a pending request', params: Type.Object({ matchId: Id('request') }), body: DecideBody, response: { 200: MatchView } },
    }, async (req) => matches.decideMatch(ctxFromRequest(deps, req), req.params.matchId, req.body.verdict, req.body.note ?? ''));

    app.post('/host-matches/:matchId/withdraw', {
      config: { access: MATCH_PARTIES },
      schema: { tags, summary: 'Withdraw my pending request, or decline an invitation as the host', params: Type.Object({ matchId: Id('request') }), response: { 200: MatchView } },
    }, async (req) => matches.withdrawMatch(ctxFromRequest(deps, req), req.params.matchId));

    app.get('/host-samples', {
      config: { access: MATCH_READERS },
      schema: { tags, summary: 'Sample requests (寄样) I may see', querystring: SampleQuery, response: { 200: SampleList } },
    }, async (req) => matches.listSamples(ctxFromRequest(deps, req), req.query));

    app.post('/host-samples', {
      config: { access: ['host'] },
      schema: { tags, summary: 'Ask the supplier for samples of a product in my showcase or that I applied to carry', body: SampleBody, response: { 201: SampleView } },
    }, async (req, reply) => reply.status(201).send(await matches.requestSample(ctxFromRequest(deps, req), req.body)));

    const sampleAction = (path: string, action: matches.SampleAction, access: readonly Role[], summary: string, body: boolean) => {
      app.post(`/host-samples/:sampleId/${path}`, {
        config: { access },
        schema: { tags, summary, params: Type.Object({ sampleId: Id('sample request') }), ...(body ? { body: ShipBody } : {}), response: { 200: SampleView } },
      }, async (req) => matches.moveSample(ctxFromRequest(deps, req), (req.params as { sampleId: string }).sampleId, action, (req.body ?? {}) as { carrier?: string; trackingNo?: string }));
    };
    sampleAction('ship', 'ship', ['supplier', ...CENTER], 'The supplier sends the samples: carrier and tracking number', true);
    sampleAction('receive', 'receive', HOST_OR_CENTER, 'The host has the samples', false);
    sampleAction('return-ship', 'return_ship', HOST_OR_CENTER, 'The host sends the samples back: carrier and tracking number', true);
    sampleAction('returned', 'returned', ['supplier', ...CENTER], 'The supplier has them back', false);
    sampleAction('cancel', 'cancel', MATCH_PARTIES, 'Cancel a request not yet shipped', false);

    // ---- performance ----------------------------------------------------------------------------
    app.get('/host-performance', {
      config: { access: READERS },
      schema: { tags, summary: "The county's hosts for a period, ranked by sales, with local hosts' share", querystring: CountyPeriodQuery, response: { 200: CountyPerformanceView } },
    }, async (req) => { checkDates(req.query); return performance.countyPerformance(ctxFromRequest(deps, req), req.query.countyCode, req.query); });

    app.get('/host-performance/export', {
      config: { access: READERS },
      schema: { tags, summary: 'The ranking as XLSX', querystring: CountyPeriodQuery, produces: [XLSX_TYPE], response: { 200: XlsxFile } },
    }, async (req, reply) => { checkDates(req.query); return sendFile(reply, await performanceXlsx(ctxFromRequest(deps, req), req.query.countyCode, req.query)); });

    app.get('/hosts/:hostUserId/performance', {
      config: { access: HOST_OR_READERS },
      schema: { tags, summary: "One host's figures for a period and its rank (the host's own dashboard)", params: HostParams, querystring: PeriodQuery, response: { 200: HostPerformanceView } },
    }, async (req) => { checkDates(req.query); return performance.onePerformance(ctxFromRequest(deps, req), req.params.hostUserId, req.query); });

    await app.register(funnelRoutes(deps));
  };
}
