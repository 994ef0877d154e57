/**
 * Checks simulator output against the published descriptions in shared/specs:
 * - Bot Connector v3 (Swagger 2.0): ajv over `definitions`, with x-ms-enum `modelAsString`
 *   enums treated as open (as the spec says) and `strict` to refuse properties it does not name;
 * - Microsoft Graph v1.0 (OData CSDL): a small validator over EntityType/ComplexType/EnumType
 *   that follows BaseType and `@odata.type`, allows extra keys only on OpenType types.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { Parser } from 'htmlparser2';

const here = dirname(fileURLToPath(import.meta.url));
const SPECS = process.env.SHARED_SPECS_DIR ?? resolve(here, '../../../../shared/specs');

type Json = Record<string, unknown>;

/** Polymorphic definitions (an Entity is a Mention, a Place…) keep their extra properties. */
const OPEN_DEFINITIONS = new Set(['Entity']);

function convertSwagger(node: unknown, strict: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => convertSwagger(n, strict));
  if (typeof node !== 'object' || node === null) return node;
  const n = node as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(n)) {
    if (k.startsWith('x-') || k === 'example') continue;
    if (k === '$ref' && typeof v === 'string') out.$ref = `bf${v}`;
    else out[k] = convertSwagger(v, strict && !OPEN_DEFINITIONS.has(k));
  }
  const xEnum = n['x-ms-enum'] as { modelAsString?: boolean } | undefined;
  if (xEnum?.modelAsString) delete out.enum;
  if (out.type === 'string' && out.properties) delete out.properties;
  if (n['x-nullable'] === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (strict && out.type === 'object' && out.properties && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

export interface BotFrameworkSpec {
  /** Throws with ajv's errors when `data` is not a valid `definition`. */
  check(definition: string, data: unknown): void;
}

export function loadBotFrameworkSpec(): BotFrameworkSpec {
  const doc = JSON.parse(
    readFileSync(resolve(SPECS, 'botframework/botframework-channel.json'), 'utf8'),
  ) as Json;
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
    addFormatsModule) as (a: Ajv) => Ajv;
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  const definitions = convertSwagger(doc.definitions, true) as Record<string, Json>;
  // Erratum: Teams sends `text/html` attachments with the HTML as a string `content`.
  const attachment = definitions.Attachment!.properties as Record<string, Json>;
  attachment.content = { description: 'object, or a string for text/html' };
  ajv.addSchema({ $id: 'bf', definitions });
  return {
    check(definition, data) {
      const validate = ajv.getSchema(`bf#/definitions/${definition}`);
      if (!validate) throw new Error(`no definition ${definition}`);
      if (!validate(data))
        throw new Error(
          `${definition} does not match the spec: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(data).slice(0, 2000)}`,
        );
    },
  };
}

interface CsdlProperty {
  type: string;
  nullable: boolean;
}

interface CsdlType {
  base?: string;
  open: boolean;
  properties: Map<string, CsdlProperty>;
}

export interface GraphSpec {
  /** Throws listing every mismatch when `data` is not a valid `graph.<type>`. */
  check(type: string, data: unknown): void;
}

let graphCache: GraphSpec | undefined;

/** `graph.x` and `microsoft.graph.x` name the same type; other namespaces keep their prefix. */
function typeKey(ref: string): string {
  return ref.replace(/^#?(graph|microsoft\.graph)\.(?=[^.]+$)/, '');
}

export function loadGraphSpec(): GraphSpec {
  if (graphCache) return graphCache;
  const types = new Map<string, CsdlType>();
  const enums = new Map<string, Set<string>>();
  let current: CsdlType | undefined;
  let currentEnum: Set<string> | undefined;
  let namespace = '';
  const parser = new Parser(
    {
      onopentag(name, a) {
        if (name === 'Schema') {
          namespace = a.Namespace === 'microsoft.graph' ? '' : `${a.Namespace}.`;
        } else if (name === 'EntityType' || name === 'ComplexType') {
          current = {
            base: a.BaseType && typeKey(a.BaseType),
            open: a.OpenType === 'true',
            properties: new Map(),
          };
          types.set(namespace + a.Name!, current);
        } else if (name === 'EnumType') {
          currentEnum = new Set();
          enums.set(namespace + a.Name!, currentEnum);
        } else if (name === 'Member' && currentEnum) {
          currentEnum.add(a.Name!);
        } else if ((name === 'Property' || name === 'NavigationProperty') && current) {
          current.properties.set(a.Name!, {
            type: a.Type!,
            nullable: a.Nullable !== 'false' || name === 'NavigationProperty',
          });
        }
      },
      onclosetag(name) {
        if (name === 'EntityType' || name === 'ComplexType') current = undefined;
        if (name === 'EnumType') currentEnum = undefined;
      },
    },
    { xmlMode: true },
  );
  parser.write(readFileSync(resolve(SPECS, 'msgraph/cleanMetadata-v1.0.xml'), 'utf8'));
  parser.end();

  const lookup = (name: string): { props: Map<string, CsdlProperty>; open: boolean } => {
    const props = new Map<string, CsdlProperty>();
    let open = false;
    for (let t = types.get(name); t; t = t.base ? types.get(t.base) : undefined) {
      open ||= t.open;
      for (const [k, v] of t.properties) if (!props.has(k)) props.set(k, v);
    }
    return { props, open };
  };

  const validate = (type: string, value: unknown, path: string, errors: string[]): void => {
    const coll = /^Collection\((.+)\)$/.exec(type);
    if (coll) {
      if (!Array.isArray(value)) return void errors.push(`${path}: expected an array for ${type}`);
      value.forEach((v, i) => validate(coll[1]!, v, `${path}[${i}]`, errors));
      return;
    }
    if (value === null) return;
    const edm: Record<string, (v: unknown) => boolean> = {
      'Edm.String': (v) => typeof v === 'string',
      'Edm.Boolean': (v) => typeof v === 'boolean',
      'Edm.Int32': (v) => Number.isInteger(v),
      'Edm.Int64': (v) => Number.isInteger(v),
      'Edm.Double': (v) => typeof v === 'number',
      'Edm.Guid': (v) => typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v),
      'Edm.DateTimeOffset': (v) =>
        typeof v === 'string' && !Number.isNaN(Date.parse(v)) && /T.*(Z|[+-]\d\d:\d\d)$/.test(v),
      'Edm.Binary': (v) => typeof v === 'string',
      'Edm.Duration': (v) => typeof v === 'string',
    };
    const prim = edm[type];
    if (prim)
      return void (prim(value) || errors.push(`${path}: ${JSON.stringify(value)} is not ${type}`));
    const name = typeKey(type);
    const en = enums.get(name);
    if (en)
      return void (typeof value === 'string' && en.has(value)
        ? undefined
        : errors.push(`${path}: ${JSON.stringify(value)} is not a ${name}`));
    if (!types.has(name)) return void errors.push(`${path}: unknown type ${type}`);
    if (typeof value !== 'object' || Array.isArray(value))
      return void errors.push(`${path}: expected an object for ${name}`);
    const obj = value as Json;
    const declared =
      typeof obj['@odata.type'] === 'string' ? typeKey(String(obj['@odata.type'])) : name;
    if (!types.has(declared))
      return void errors.push(`${path}: unknown @odata.type ${String(obj['@odata.type'])}`);
    const { props, open } = lookup(declared);
    for (const [k, v] of Object.entries(obj)) {
      if (k.startsWith('@odata.') || k.includes('@odata.')) continue;
      const p = props.get(k);
      if (!p) {
        if (!open) errors.push(`${path}.${k}: not a property of ${declared}`);
        continue;
      }
      if (v === null && !p.nullable) errors.push(`${path}.${k}: must not be null`);
      else validate(p.type, v, `${path}.${k}`, errors);
    }
  };

  graphCache = {
    check(type, data) {
      const errors: string[] = [];
      validate(`graph.${type}`, data, type, errors);
      if (errors.length > 0)
        throw new Error(`Graph ${type} does not match the metadata:\n${errors.join('\n')}`);
    },
  };
  return graphCache;
}
