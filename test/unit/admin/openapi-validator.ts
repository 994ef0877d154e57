import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { apiRoutes } from '../../../src/admin/http/api-routes.js';
import { openApiDocument } from '../../../src/admin/http/openapi.js';

type Json = Record<string, unknown>;

const DOC_ID = 'https://bridge.invalid/openapi.json';

/** The served routes, without running anything (the services are never called here). */
export const routeTable = apiRoutes({
  ops: undefined as never,
  auth: undefined as never,
  openid: undefined,
});

/** The OpenAPI document, with its schemas compiled by ajv (JSON Schema 2020-12, as in 3.1). */
export class OpenApiValidator {
  readonly doc = openApiDocument(routeTable) as Json;
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    this.ajv.addKeyword('x-hint');
    this.ajv.addSchema({ ...this.doc, $id: DOC_ID });
  }

  /** Validator for the JSON schema at `pointer` inside the document (e.g. `/paths/~1x/get/...`). */
  at(pointer: string): ValidateFunction {
    let fn = this.cache.get(pointer);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `${DOC_ID}#${pointer}` });
      this.cache.set(pointer, fn);
    }
    return fn;
  }

  /** The response object of an operation and status, following a `$ref` to components. */
  response(path: string, method: string, status: number): Json | undefined {
    const op = ((this.doc.paths as Json)[path] as Json | undefined)?.[method.toLowerCase()] as
      Json | undefined;
    let res = (op?.responses as Json | undefined)?.[String(status)] as Json | undefined;
    const ref = res?.$ref;
    if (typeof ref === 'string') {
      const name = ref.split('/').pop() as string;
      res = ((this.doc.components as Json).responses as Json)[name] as Json;
    }
    return res;
  }

  /** Throws unless `body` is a documented answer of `method path` with `status`. */
  check(path: string, method: string, status: number, body: unknown): void {
    const res = this.response(path, method, status);
    if (!res) throw new Error(`${method} ${path} does not document status ${status}`);
    const content = res.content as Json | undefined;
    if (!content) return;
    const key = `${method} ${path} ${status}`;
    let fn = this.cache.get(key);
    if (!fn) {
      const schema = (content['application/json'] as Json).schema as Json;
      fn = this.ajv.compile(resolveRefs(schema));
      this.cache.set(key, fn);
    }
    if (!fn(body)) {
      throw new Error(
        `${method} ${path} ${status}: body does not match the document: ${this.ajv.errorsText(fn.errors)}\n${JSON.stringify(body)}`,
      );
    }
  }
}

/** Makes local `#/components/...` refs absolute, so a fragment can be compiled alone. */
function resolveRefs(node: unknown): Json {
  const walk = (n: unknown): unknown => {
    if (Array.isArray(n)) return n.map(walk);
    if (n && typeof n === 'object') {
      const out: Json = {};
      for (const [k, v] of Object.entries(n)) {
        out[k] =
          k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${DOC_ID}${v}` : walk(v);
      }
      return out;
    }
    return n;
  };
  return walk(node) as Json;
}
