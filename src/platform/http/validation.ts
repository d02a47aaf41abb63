import Ajv, { type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fastJsonStringify from 'fast-json-stringify';
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
 * Made once per process, with the compilers below.
 */
let ajvs: { strict: Ajv.default; coercing: Ajv.default } | undefined;
function validators() {
  if (!ajvs) {
    ajvs = { strict: new Ajv.default({ ...common, coerceTypes: false }), coercing: new Ajv.default({ ...common, coerceTypes: 'array' }) };
    addFormats.default(ajvs.strict);
    addFormats.default(ajvs.coercing);
  }
  return ajvs;
}

/**
 * Compiled validators and response serializers, kept by what their schema says. Compiling
 * them was 60 % of building the app (about 0.6 s of CPU for our ~250 routes). A server builds
 * one app, but the test suite builds a few hundred in one process, and every route module
 * writes its schemas afresh on each build; a schema with the same text gets the same
 * compiled function. Sharing one is safe: it keeps nothing between calls but Ajv's `errors`,
 * which Fastify reads right after the synchronous call. Our schemas use no $id or shared
 * $ref, so the text is the whole schema.
 */
const compiled = new Map<string, ValidateFunction | ((doc: unknown) => string)>();
function once<F extends ValidateFunction | ((doc: unknown) => string)>(key: string, compile: () => F): F {
  let fn = compiled.get(key) as F | undefined;
  if (!fn) {
    fn = compile();
    compiled.set(key, fn);
  }
  return fn;
}

export function installValidators(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const mode = httpPart === 'body' ? 'strict' : 'coercing';
    return once(`${mode} ${JSON.stringify(schema)}`, () => validators()[mode].compile(schema));
  });
  app.setSerializerCompiler(({ schema }) => once(`response ${JSON.stringify(schema)}`, () => fastJsonStringify(schema as Parameters<typeof fastJsonStringify>[0])));

  // PostgreSQL cannot store U+0000 in text (SQLite can): refuse it everywhere, so both
  // databases give the same answer and neither gives a 500.
  app.addHook('preValidation', (req, _reply, done) => {
    const hit = findNul(req.body, '/body') ?? findNul(req.query, '/query') ?? findNul(req.params, '/params');
    done(hit ? new AppError(400, 'validation_failed', 'The request contains a NUL character', [{ pointer: hit, detail: 'NUL characters are not allowed', code: 'nul_character' }]) : undefined);
  });
}
