import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface FieldError {
  /** JSON pointer into the request, e.g. "/body/phone". */
  pointer: string;
  detail: string;
  code?: string;
}

/**
 * The one error type services throw. `code` is stable: clients and tests switch on it,
 * while `detail` is for people and may change wording.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly errors: FieldError[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    // A 4xx is the client's mistake, answered and forgotten: capturing a stack for it costs
    // more than the rest of a sold-out answer. Server errors keep theirs.
    const limit = Error.stackTraceLimit;
    if (status < 500) Error.stackTraceLimit = 0;
    super(detail);
    Error.stackTraceLimit = limit;
  }
}

export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);
export const forbidden = (detail = 'You do not have permission to do this') => new AppError(403, 'forbidden', detail);
export const conflict = (code: string, detail: string, extra: Record<string, unknown> = {}) =>
  new AppError(409, code, detail, [], extra);
export const invalid = (pointer: string, detail: string, code = 'invalid') =>
  new AppError(422, 'validation_failed', detail, [{ pointer, detail, code }]);

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Content',
  423: 'Locked', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable',
};

export function sendProblem(
  reply: FastifyReply,
  req: FastifyRequest,
  status: number,
  code: string,
  detail: string,
  errors: FieldError[] = [],
  extra: Record<string, unknown> = {},
): FastifyReply {
  return reply
    .status(status)
    .type('application/problem+json')
    .send({
      type: `https://fengshou.dev/problems/${code}`,
      title: TITLES[status] ?? 'Error',
      status,
      detail,
      instance: req.url,
      code,
      requestId: req.id,
      ...(errors.length ? { errors } : {}),
      ...extra,
    });
}

/** Where a field sits, as a JSON pointer: "/body/phone", "/query/limit", "/params/productId". */
function pointerFor(location: string | undefined, instancePath: string, missing?: string): string {
  const part = location === 'querystring' ? 'query' : (location ?? 'body');
  const base = `/${part}${instancePath}`;
  return missing ? `${base}/${missing}` : base;
}

/** One root handler turns every failure into RFC 9457 problem+json; 5xx never leak detail. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) => sendProblem(reply, req, 404, 'not_found', `No route for ${req.method} ${req.url.split('?')[0]}`));

  app.setErrorHandler((err: FastifyError & { validationContext?: string }, req, reply) => {
    // Refused part-way through its body (an upload whose first bytes are not an allowed type):
    // the rest is never read, so the connection cannot carry another request; closing it after
    // the answer frees it, where a client waiting to send the rest would otherwise hang.
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && req.raw.complete === false) reply.header('connection', 'close');
    if (err instanceof AppError) {
      return sendProblem(reply, req, err.status, err.code, err.message, err.errors, err.extra);
    }
    if (err.validation) {
      const errors: FieldError[] = err.validation.map((v) => {
        const params = v.params as Record<string, unknown>;
        const missing = typeof params?.missingProperty === 'string' ? params.missingProperty : undefined;
        const extraProp = typeof params?.additionalProperty === 'string' ? params.additionalProperty : undefined;
        return {
          pointer: pointerFor(err.validationContext, v.instancePath, missing ?? extraProp),
          detail: extraProp ? `unknown field ${extraProp}` : (v.message ?? 'invalid'),
          code: v.keyword,
        };
      });
      return sendProblem(reply, req, 400, 'validation_failed', 'The request has invalid fields', errors);
    }
    // The database's own guards (unique keys, CHECKs) are the last line behind the services'
    // checks; a race that reaches them is a conflict, not a server error.
    const dbCode = String((err as { code?: unknown }).code ?? '');
    if (dbCode === '23505' || dbCode === 'SQLITE_CONSTRAINT_UNIQUE' || dbCode === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      return sendProblem(reply, req, 409, 'duplicate', 'This already exists (someone may have just created it); reload and check');
    }
    if (/^22[0-9A-Z]{3}$/.test(dbCode)) {
      // PostgreSQL data exceptions (value out of range, bad encoding): the input was unusable.
      return sendProblem(reply, req, 400, 'invalid_value', 'A value in the request is out of range or not valid');
    }
    if (dbCode === '23503' || dbCode === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      // Services check that what a request points at exists; a row deleted since is a race.
      return sendProblem(reply, req, 409, 'concurrent_change', 'Something this refers to was just removed; reload and try again');
    }
    if (dbCode === '23514' || dbCode === 'SQLITE_CONSTRAINT_CHECK') {
      return sendProblem(reply, req, 409, 'constraint_violation', 'The change would break a rule (for example stock below zero); reload and try again');
    }
    const status = err.statusCode ?? 500;
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err instanceof SyntaxError) {
      return sendProblem(reply, req, 400, 'malformed_json', 'The request body is not valid JSON');
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendProblem(reply, req, 415, 'unsupported_media_type', 'Send JSON (application/json) or multipart/form-data');
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.code === 'FST_REQ_FILE_TOO_LARGE' || status === 413) {
      return sendProblem(reply, req, 413, 'payload_too_large', 'The request or file is too large');
    }
    if (status === 429) {
      return sendProblem(reply, req, 429, 'rate_limited', 'Too many requests, please wait and try again');
    }
    if (status >= 400 && status < 500) {
      return sendProblem(reply, req, status, 'bad_request', err.message);
    }
    req.log.error({ err }, 'unhandled error');
    return sendProblem(reply, req, 500, 'internal_error', 'Something went wrong on our side; the request id helps us find it');
  });
}
