import { describe, expect, it } from 'vitest';
import { ADMIN_ERRORS } from '../../../src/admin/errors.js';
import { OpenApiValidator, routeTable as routes } from './openapi-validator.js';

type Json = Record<string, unknown>;

const validator = new OpenApiValidator();
const doc = validator.doc;
const paths = doc.paths as Record<string, Record<string, Json>>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

function operations(): Array<{ path: string; method: string; op: Json }> {
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m]) => METHODS.includes(m))
      .map(([method, op]) => ({ path, method, op })),
  );
}

/** Every `{schema, example}` pair anywhere in the document, with its JSON pointer. */
function examples(node: unknown, pointer = ''): Array<{ pointer: string; example: unknown }> {
  if (!node || typeof node !== 'object') return [];
  const o = node as Json;
  const found: Array<{ pointer: string; example: unknown }> = [];
  if ('schema' in o && 'example' in o)
    found.push({ pointer: `${pointer}/schema`, example: o.example });
  for (const [k, v] of Object.entries(o)) {
    found.push(...examples(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  }
  return found;
}

function refs(node: unknown): string[] {
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node as Json).flatMap(([k, v]) =>
    k === '$ref' && typeof v === 'string' ? [v] : refs(v),
  );
}

describe('OpenAPI document', () => {
  it('is an OpenAPI 3.1 document with the required parts', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect((doc.servers as Json[])[0]?.url).toBe('/_bridge/admin/v1');
    for (const { path, method, op } of operations()) {
      expect(path, 'paths start with /').toMatch(/^\//);
      expect(op.operationId, `${method} ${path} operationId`).toEqual(expect.any(String));
      expect(op.summary, `${method} ${path} summary`).toEqual(expect.any(String));
      const responses = op.responses as Record<string, Json>;
      expect(Object.keys(responses).length).toBeGreaterThan(0);
      for (const [status, res] of Object.entries(responses)) {
        expect(status).toMatch(/^[1-5]\d\d$/);
        expect(res.$ref ?? res.description, `${method} ${path} ${status}`).toBeDefined();
      }
      // Every {param} in the path is declared as a path parameter, and only those.
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = ((op.parameters as Json[] | undefined) ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => p.name);
      expect(declared.sort()).toEqual(inPath.sort());
    }
    const ids = operations().map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resolves every $ref', () => {
    for (const ref of refs(doc)) {
      expect(ref).toMatch(/^#\//);
      let node: unknown = doc;
      for (const part of ref.slice(2).split('/')) node = (node as Json | undefined)?.[part];
      expect(node, ref).toBeDefined();
    }
  });

  it('is served at /openapi.json, generated from the route table', async () => {
    const served = routes.find((r) => r.path === '/openapi.json');
    const reply = await served?.handle({} as never);
    expect(reply?.status).toBe(200);
    expect(reply?.body).toEqual(doc);
  });

  it('documents exactly the routes the bridge serves, by operationId', () => {
    const served = routes.map((r) => `${r.method.toLowerCase()} ${r.path} ${r.action}`).sort();
    const documented = operations()
      .map((o) => `${o.method} ${o.path} ${String(o.op.operationId)}`)
      .sort();
    expect(documented).toEqual(served);
  });

  it('marks exactly the routes without authentication as public', () => {
    for (const r of routes) {
      const op = paths[r.path]?.[r.method.toLowerCase()] as Json;
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      expect(isPublic, `${r.method} ${r.path}`).toBe(!r.auth);
      if (r.auth) {
        const responses = op.responses as Json;
        expect(Object.keys(responses)).toEqual(expect.arrayContaining(['401', '429']));
      }
    }
  });

  it('has examples that all validate against their schemas', () => {
    const found = examples(doc);
    expect(found.length).toBeGreaterThan(15);
    // The check bites: a wrong example is caught.
    expect(validator.at('/components/schemas/LinkResult')({ room_id: 1 })).toBe(false);
    for (const { pointer, example } of found) {
      const fn = validator.at(pointer);
      expect(fn(example), `${pointer}: ${JSON.stringify(fn.errors)}`).toBe(true);
    }
  });

  it('documents only error codes the bridge has', () => {
    const codes = JSON.stringify(doc).match(/"code":"([A-Z_]+)"/g) ?? [];
    for (const c of codes) {
      const code = c.slice(8, -1);
      expect(Object.keys(ADMIN_ERRORS)).toContain(code);
    }
  });
});
