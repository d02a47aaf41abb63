import Ajv, { type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

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
}
