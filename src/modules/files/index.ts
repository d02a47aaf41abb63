import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { inTransaction, type Ctx, type Deps } from '../../context.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids.js';
import { nowIso } from '../../platform/time.js';
import type { FilePurpose } from './files.tables.js';

export type { FilesTables, FilePurpose } from './files.tables.js';

/**
 * Files: uploaded bytes on the storage backend plus one row each. The type is decided by
 * the bytes' magic numbers, never by the name or the header the client sent.
 */
export const ALLOWED_TYPES: Record<FilePurpose, string[]> = {
  licence_scan: ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'],
  product_image: ['image/jpeg', 'image/png', 'image/webp'],
  live_cover: ['image/jpeg', 'image/png', 'image/webp'],
  lesson_video: ['video/mp4', 'video/webm'],
  lesson_file: ['application/pdf', 'image/jpeg', 'image/png', 'image/webp'],
  assignment_video: ['video/mp4', 'video/webm', 'video/quicktime'],
};

const EXT: Record<string, string> = {
  'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'application/pdf': 'pdf', 'image/svg+xml': 'svg',
  'video/mp4': 'mp4', 'video/webm': 'webm', 'video/quicktime': 'mov',
};

/** The one file part of a multipart request, and how to turn what goes wrong reading it into a 4xx. */
async function onePart(req: FastifyRequest, maxBytes: number) {
  if (!req.isMultipart()) {
    throw new AppError(415, 'unsupported_media_type', 'Upload the file as multipart/form-data in a field named "file"');
  }
  const tooLarge = () => new AppError(413, 'payload_too_large', `The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`, [{ pointer: '/body/file', detail: 'too large' }]);
  // A truncated body or a missing boundary is the client's fault: answer 400, not 500.
  const malformed = (err: unknown): never => {
    if (err instanceof AppError) throw err;
    const e = err as { code?: string; statusCode?: number; message?: string };
    if (e.code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    if (e.statusCode === 413) throw new AppError(413, 'payload_too_large', 'The upload is too large');
    throw new AppError(400, 'malformed_multipart', `The upload could not be read (${e.message ?? 'malformed multipart body'}); try again`);
  };
  const part = await req.file({ limits: { fileSize: maxBytes, files: 1 } }).catch(malformed);
  if (!part) throw new AppError(400, 'validation_failed', 'No file in the upload', [{ pointer: '/body/file', detail: 'required' }]);
  return { part, malformed, tooLarge };
}

const emptyFile = () => new AppError(400, 'validation_failed', 'The file is empty', [{ pointer: '/body/file', detail: 'empty' }]);

/** Reads the one file of a multipart request into memory, within the configured size limit. */
export async function readUpload(req: FastifyRequest, deps: Deps): Promise<Buffer> {
  const { part, malformed } = await onePart(req, deps.config.uploadMaxBytes);
  const data = await part.toBuffer().catch(malformed);
  if (data.length === 0) throw emptyFile();
  return data;
}

/** A file written to storage whose row is not yet written (recordReceivedFile). */
export interface ReceivedFile {
  id: string; key: string; contentType: string; sizeBytes: number; sha256: string;
  /** Made by the server itself (putFile's trustedType): its type is not held to the purpose's list. */
  trusted?: boolean;
}

/** The bytes file-type needs to tell every type we take. */
const TYPE_HEAD_BYTES = 4100;

/**
 * Streams the one file of a multipart request to storage, for large files (lesson and
 * assignment videos, up to VIDEO_UPLOAD_MAX_BYTES). Its type is checked by its first bytes
 * before anything is written, its size and hash counted on the way. Call it before the
 * transaction that records the file, never inside one: on SQLite a transaction is a job of the
 * group commit, which holds the only writer, and a 200 MB disk write in there held every order
 * placement back for as long as the disk took; the whole file also sat in memory.
 */
export async function receiveUpload(req: FastifyRequest, deps: Deps, purpose: FilePurpose, maxBytes: number): Promise<ReceivedFile> {
  const { part, malformed, tooLarge } = await onePart(req, maxBytes);
  const file = part.file as typeof part.file & { truncated?: boolean };
  const chunks = file[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const next = async () => {
    const r = await chunks.next().catch(malformed);
    if (file.truncated) throw tooLarge();
    return r;
  };
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < TYPE_HEAD_BYTES) {
    const r = await next();
    if (r.done) { ended = true; break; }
    head.push(r.value);
    headBytes += r.value.length;
  }
  if (headBytes === 0) throw emptyFile();
  const contentType = (await fileTypeFromBuffer(Buffer.concat(head)))?.mime;
  if (!contentType || !ALLOWED_TYPES[purpose].includes(contentType)) throw unsupported(purpose, contentType);
  const id = newId('file');
  const key = `${purpose}/${id}.${EXT[contentType] ?? 'bin'}`;
  const hash = createHash('sha256');
  let sizeBytes = 0;
  async function* all() {
    for (const chunk of head) yield chunk;
    for (let r = ended ? undefined : await next(); r && !r.done; r = await next()) yield r.value;
  }
  async function* counted() {
    for await (const chunk of all()) {
      hash.update(chunk);
      sizeBytes += chunk.length;
      yield chunk;
    }
  }
  await deps.storage.putStream(key, counted());
  return { id, key, contentType, sizeBytes, sha256: hash.digest('hex') };
}

/**
 * The row of a received file, in the caller's transaction, its type checked against `purpose`.
 * Run that transaction through inTransactionKeepingFile, so that a failure removes the bytes.
 */
export async function recordReceivedFile(ctx: Ctx, f: ReceivedFile, purpose: FilePurpose, countyCode: string | null): Promise<string> {
  if (!f.trusted && !ALLOWED_TYPES[purpose].includes(f.contentType)) throw unsupported(purpose, f.contentType);
  await ctx.db.insertInto('stored_file').values({
    id: f.id, storage_key: f.key, content_type: f.contentType, size_bytes: f.sizeBytes, sha256: f.sha256, purpose, county_code: countyCode,
    uploaded_by: ctx.actor?.userId ?? null, created_at: nowIso(),
  }).execute();
  return f.id;
}

/**
 * Runs `fn` in a transaction (inTransaction) that records a received file with
 * recordReceivedFile; if the transaction fails, the file's bytes are removed too.
 */
export async function inTransactionKeepingFile<T>(ctx: Ctx, f: ReceivedFile, fn: (tx: Ctx) => Promise<T>): Promise<T> {
  try {
    return await inTransaction(ctx, fn);
  } catch (err) {
    await ctx.deps.storage.remove(f.key).catch((e: unknown) => ctx.deps.log.warn({ err: e, key: f.key }, 'could not remove an upload whose record failed'));
    throw err;
  }
}

const unsupported = (purpose: FilePurpose, detected: string | undefined) =>
  new AppError(415, 'unsupported_file_type', `This file is not one of: ${ALLOWED_TYPES[purpose].join(', ')}`, [
    { pointer: '/body/file', detail: `detected ${detected ?? 'unknown'}` },
  ]);

/**
 * Checks bytes already in memory (uploads up to UPLOAD_MAX_BYTES: images, scans) by their type
 * and writes them to storage, before the transaction that records them (recordReceivedFile):
 * like receiveUpload, the disk write stays out of SQLite's group commit, and a rollback can take
 * the bytes away too (inTransactionKeepingFile). `trustedType` is for bytes the server made itself.
 */
export async function putFile(deps: Deps, data: Buffer, purpose: FilePurpose, trustedType?: string): Promise<ReceivedFile> {
  const detected = trustedType ?? (await fileTypeFromBuffer(data))?.mime;
  if (!detected || !(trustedType || ALLOWED_TYPES[purpose].includes(detected))) throw unsupported(purpose, detected);
  const id = newId('file');
  const key = `${purpose}/${id}.${EXT[detected] ?? 'bin'}`;
  await deps.storage.put(key, data);
  return { id, key, contentType: detected, sizeBytes: data.length, sha256: createHash('sha256').update(data).digest('hex'), trusted: trustedType !== undefined };
}

/** Stores bytes the server made itself (the demo county's pictures) and records them at once; returns the file id. */
export async function storeFile(ctx: Ctx, data: Buffer, purpose: FilePurpose, countyCode: string | null, trustedType?: string): Promise<string> {
  // Inside a caller's transaction a later rollback would leave the bytes behind.
  if (ctx.db.isTransaction) throw new Error('storeFile: call it outside a transaction (putFile, then recordReceivedFile inside one)');
  const f = await putFile(ctx.deps, data, purpose, trustedType);
  return inTransactionKeepingFile(ctx, f, (tx) => recordReceivedFile(tx, f, purpose, countyCode));
}

/** How old stored bytes with no row must be before they count as left over rather than in flight. */
export const UNRECORDED_FILE_GRACE_MS = 24 * 60 * 60 * 1000;

/**
 * Removes stored bytes that no stored_file row refers to once they are older than
 * UNRECORDED_FILE_GRACE_MS. Uploads are written before the transaction that records them, so a
 * process that died between the two leaves bytes nobody can reach, and a write that never
 * finished leaves its temp file. The grace period keeps uploads in flight safe. Rows are never
 * deleted, so a file that a row, or a backup's snapshot, refers to is never removed. Safe in
 * several processes at once (removing a removed file does nothing).
 */
export async function sweepUnrecordedFiles(deps: Deps, now = Date.now()): Promise<number> {
  const old: string[] = [];
  for await (const f of deps.storage.list()) if (now - f.modifiedAt.getTime() > UNRECORDED_FILE_GRACE_MS) old.push(f.key);
  let removed = 0;
  for (let i = 0; i < old.length; i += 500) {
    const batch = old.slice(i, i + 500);
    const recorded = new Set((await deps.db.selectFrom('stored_file').select('storage_key').where('storage_key', 'in', batch).execute()).map((r) => r.storage_key));
    for (const key of batch.filter((k) => !recorded.has(k))) {
      await deps.storage.remove(key);
      removed++;
    }
  }
  return removed;
}

/** Sweeps left-over upload bytes a minute after start-up and then daily; returns a stop function. */
export function startUploadSweep(deps: Deps): () => void {
  const run = () => sweepUnrecordedFiles(deps)
    .then((removed) => { if (removed) deps.log.info({ removed }, 'removed upload bytes no file record refers to'); })
    .catch((err: unknown) => deps.log.error({ err }, 'upload sweep failed'));
  const first = setTimeout(run, 60 * 1000);
  const timer = setInterval(run, 24 * 60 * 60 * 1000);
  first.unref();
  timer.unref();
  return () => { clearTimeout(first); clearInterval(timer); };
}

/** Streams a stored file with headers that stop browsers from sniffing or running it. */
export async function sendFile(ctx: Ctx, reply: FastifyReply, fileId: string, purpose?: FilePurpose) {
  const row = await ctx.db.selectFrom('stored_file').selectAll().where('id', '=', fileId).executeTakeFirst();
  if (!row || (purpose && row.purpose !== purpose)) throw notFound('File');
  if (!(await ctx.deps.storage.exists(row.storage_key))) throw notFound('File');
  return reply
    .header('content-type', row.content_type)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
    .header('cache-control', purpose === 'product_image' ? 'public, max-age=86400, immutable' : 'private, no-store')
    .send(await ctx.deps.storage.read(row.storage_key));
}

export function fileRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/files/:fileId', {
      config: { access: 'public' },
      schema: {
        tags: ['files'], summary: 'A public product image (licence scans are served by the licence route)',
        params: Type.Object({ fileId: Type.String({ maxLength: 80 }) }),
      },
    }, async (req, reply) => sendFile({ deps, db: deps.db, actor: req.actor, ip: req.ip }, reply, req.params.fileId, 'product_image'));
  };
}
