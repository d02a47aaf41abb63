import { v7 as uuidv7 } from 'uuid';
import { randomBytes } from 'node:crypto';

/** Type prefixes make an id say what it points at in logs and URLs. */
export const ID_PREFIXES = {
  user: 'usr',
  session: 'ses',
  roleGrant: 'rg',
  supplier: 'sup',
  licence: 'lic',
  file: 'fil',
  product: 'prd',
  sku: 'sku',
  batch: 'bat',
  selection: 'sel',
  stockMovement: 'stm',
  audit: 'aud',
  notification: 'ntf',
  smsCode: 'sms',
  center: 'ctr',
  ledgerAccount: 'lac',
  ledgerEntry: 'len',
  ledgerPosting: 'lpo',
  sandboxPayment: 'spy',
  sandboxRefund: 'srf',
  address: 'adr',
  checkout: 'chk',
  order: 'ord',
  orderItem: 'oit',
  paymentRefund: 'prf',
  aftersalesCase: 'afs',
  hostPolicyOverride: 'hpo',
  payoutBatch: 'pob',
  payoutLine: 'pol',
  liveSession: 'lvs',
  liveItem: 'lvi',
  liveExternalSale: 'lvx',
  liveFlashSale: 'lfs',
  liveComment: 'lvc',
  trainingCourse: 'trc',
  trainingModule: 'trm',
  trainingLesson: 'trl',
  trainingQuizAttempt: 'trq',
  trainingCohort: 'trk',
  trainingEnrolment: 'tre',
  trainingMeeting: 'trt',
  trainingFeedback: 'trf',
  trainingAssignment: 'tra',
  trainingSubmission: 'trs',
  trainingCertificate: 'trz',
  hostMatch: 'hmt',
  hostSample: 'hsm',
  hostFollowup: 'hfu',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/** UUIDv7 ids sort by creation time, so `ORDER BY id` is also `ORDER BY created`. */
export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${uuidv7()}`;
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
