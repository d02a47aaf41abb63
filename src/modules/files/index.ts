import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx, Deps } from '../../context.js';
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

/** Reads the one file of a multipart request into memory, within the configured size limit. */
export async function readUpload(req: FastifyRequest, deps: Deps): Promise<Buffer> {
  if (!req.isMultipart()) {
    throw new AppError(415, 'unsupported_media_type', 'Upload the file as multipart/form-data in a field named "file"');
  }
  // A truncated body or a missing boundary is the client's fault: answer 400, not 500.
  const malformed = (err: unknown): never => {
    if (err instanceof AppError) throw err;
    const e = err as { code?: string; statusCode?: number; message?: string };
    if (e.code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new AppError(413, 'payload_too_large', `The file is larger than ${Math.round(deps.config.uploadMaxBytes / 1024 / 1024)} MB`, [{ pointer: '/body/file', detail: 'too large' }]);
    }
    if (e.statusCode === 413) throw new AppError(413, 'payload_too_large', 'The upload is too large');
    throw new AppError(400, 'malformed_multipart', `The upload could not be read (${e.message ?? 'malformed multipart body'}); try again`);
  };
  const part = await req.file({ limits: { fileSize: deps.config.uploadMaxBytes, files: 1 } }).catch(malformed);
  if (!part) throw new AppError(400, 'validation_failed', 'No file in the upload', [{ pointer: '/body/file', detail: 'required' }]);
  const data = await part.toBuffer().catch(malformed);
  if (data.length === 0) throw new AppError(400, 'validation_failed', 'The file is empty', [{ pointer: '/body/file', detail: 'empty' }]);
  return data;
}

/** Stores bytes after checking their real type, returns the new file id. */
export async function storeFile(ctx: Ctx, data: Buffer, purpose: FilePurpose, countyCode: string | null, trustedType?: string): Promise<string> {
  const detected = trustedType ?? (await fileTypeFromBuffer(data))?.mime;
  if (!detected || !(trustedType || ALLOWED_TYPES[purpose].includes(detected))) {
    throw new AppError(415, 'unsupported_file_type', `This file is not one of: ${ALLOWED_TYPES[purpose].join(', ')}`, [
      { pointer: '/body/file', detail: `detected ${detected ?? 'unknown'}` },
    ]);
  }
  const id = newId('file');
  const key = `${purpose}/${id}.${EXT[detected] ?? 'bin'}`;
  await ctx.deps.storage.put(key, data);
  await ctx.db
    .insertInto('stored_file')
    .values({
      id, storage_key: key, content_type: detected, size_bytes: data.length,
      sha256: createHash('sha256').update(data).digest('hex'), purpose, county_code: countyCode,
      uploaded_by: ctx.actor?.userId ?? null, created_at: nowIso(),
    })
    .execute();
  return id;
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
