import Ajv, { type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.js';

/** Finds the first string holding a NUL character; returns its JSON pointer. */
function findNul(value: unknown, pointer: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? pointer : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findNul(value[i], `${pointer}/${i}`);
      if (hit) return hit;
    }
  } else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) {
      const hit = findNul(v, `${pointer}/${k}`);
      if (hit) return hit;
    }
  }
  return null;
}

const common: Options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false };

/**
 * Two validators. Query strings and path parameters arrive as text, so they are coerced
 * ("20" → 20, "true" → true). JSON bodies are not: a client that sends "5990" or [5990]
 * as a price has a bug, and gets a 400 naming the field instead of a silent conversion.
 */
export function installValidators(app: FastifyInstance): void {
  const strict = new Ajv.default({ ...common, coerceTypes: false });
  const coercing = new Ajv.default({ ...common, coerceTypes: 'array' });
  addFormats.default(strict);
  addFormats.default(coercing);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));

  // PostgreSQL cannot store U+0000 in text (SQLite can): refuse it everywhere, so both
  // databases give the same answer and neither gives a 500.
  app.addHook('preValidation', (req, _reply, done) => {
    const hit = findNul(req.body, '/body') ?? findNul(req.query, '/query') ?? findNul(req.params, '/params');
    done(hit ? new AppError(400, 'validation_failed', 'The request contains a NUL character', [{ pointer: hit, detail: 'NUL characters are not allowed', code: 'nul_character' }]) : undefined);
  });
}
