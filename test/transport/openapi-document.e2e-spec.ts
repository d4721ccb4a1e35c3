/**
 * The OpenAPI document (GET /api/docs-json) of the internal, operations and finance APIs says what they really do
 * (issue 18): every operation its errors with their body, and every limit the validation enforces as a schema limit.
 * The limits are read from the controllers themselves (their @Query / @Body DTOs and the class-validator rules on
 * them), the statuses from real HTTP answers: nothing here is a hand-written list of expected results.
 */
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { getMetadataStorage } from 'class-validator';
import { startTestService, TEST_FINANCE_API_KEY, TEST_INTERNAL_API_KEY, TEST_OPERATIONS_API_KEY, TestService } from '../support/test-service';

type Schema = Record<string, any>;
interface Operation {
  path: string;
  method: string;
  op: Schema;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];
/** Nest's RequestMethod enum, in order (GET = 0, …). */
const REQUEST_METHODS = ['get', 'post', 'put', 'delete', 'patch', 'all', 'options', 'head', 'search'];
const SOME_UUID = '00000000-0000-4000-8000-000000000000';

/** The class-validator rules that have a JSON-schema counterpart, and that counterpart. */
const SCHEMA_KEYWORD: Record<string, string> = { min: 'minimum', max: 'maximum', minLength: 'minLength', maxLength: 'maxLength', isIn: 'enum' };

let service: TestService;
let doc: Schema;

beforeAll(async () => {
  service = await startTestService();
  doc = (await (await fetch(`${service.url}/api/docs-json`)).json()) as Schema;
});
afterAll(() => service?.stop());

/** Every operation of the document under /api/v1. */
function operations(): Operation[] {
  return Object.entries(doc.paths as Record<string, Schema>)
    .filter(([path]) => path.startsWith('/api/v1/'))
    .flatMap(([path, item]) => Object.entries(item).flatMap(([method, op]) => (HTTP_METHODS.includes(method) ? [{ path, method, op: op as Schema }] : [])));
}

/** A schema with its $ref followed. */
function resolved(schema: Schema | undefined): Schema | undefined {
  if (!schema?.$ref) return schema;
  return doc.components.schemas[String(schema.$ref).split('/').pop()!];
}

/** Where a limit may sit in a property's schema: itself, its items (a list), or one of its alternatives (oneOf). */
function candidates(schema: Schema | undefined): Schema[] {
  if (!schema) return [];
  const own = resolved(schema)!;
  return [own, ...candidates(own.items), ...((own.oneOf ?? own.anyOf ?? []) as Schema[]).flatMap(candidates)];
}

function describeOf(body: Schema): string {
  return `${body.status} ${JSON.stringify(body).slice(0, 200)}`;
}

/** A controller or DTO class, as Nest's and class-validator's metadata know it. */
type AnyClass = abstract new (...args: never[]) => object;

/** The Nest route of every handler of the api/v1 controllers, with its @Query() and @Body() DTO classes. */
function routes(): Array<{ path: string; method: string; query?: AnyClass; body?: AnyClass; handler: string }> {
  const found: Array<{ path: string; method: string; query?: AnyClass; body?: AnyClass; handler: string }> = [];
  for (const module of service.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as AnyClass;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      if (!base.startsWith('api/v1')) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, object>)[name];
        const route = typeof handler === 'function' ? Reflect.getMetadata(PATH_METADATA, handler) : undefined;
        if (route === undefined || name === 'constructor') continue;
        const method = REQUEST_METHODS[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const paths = (Array.isArray(route) ? route : [route]) as string[];
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, { index: number; data?: unknown }>;
        const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, name) ?? []) as AnyClass[];
        const dto = (kind: RouteParamtypes) =>
          Object.entries(args)
            .filter(([key, arg]) => key.startsWith(`${kind}:`) && arg.data === undefined)
            .map(([, arg]) => types[arg.index])
            .find((type) => type && type !== Object);
        for (const path of paths) {
          const full = `/${[base, path]
            .map((part) => part.replace(/^\/+|\/+$/g, ''))
            .filter(Boolean)
            .join('/')}`.replace(/:(\w+)/g, '{$1}');
          found.push({ path: full, method, query: dto(RouteParamtypes.QUERY), body: dto(RouteParamtypes.BODY), handler: `${controller.name}.${name}` });
        }
      }
    }
  }
  return found;
}

describe('OpenAPI document: errors of every internal, operations and finance endpoint (issue 18)', () => {
  it('lists the operations of every api/v1 controller', () => {
    const documented = new Set(operations().map((o) => `${o.method} ${o.path}`));
    const served = routes().map((r) => `${r.method} ${r.path}`);
    expect(served.length).toBeGreaterThan(40);
    expect(served.filter((r) => !documented.has(r))).toEqual([]);
  });

  it('every operation lists 401 with the error body, and answers 401 without an API key (real HTTP)', async () => {
    const all = operations();
    expect(all.filter((o) => !o.op.responses['401']).map((o) => `${o.method} ${o.path}`)).toEqual([]);
    expect(all.filter((o) => !o.op.security?.some((s: Schema) => 'api-key' in s)).map((o) => `${o.method} ${o.path}`)).toEqual([]);
    const answered: string[] = [];
    for (const { path, method } of all) {
      const response = await fetch(`${service.url}${path.replace(/\{\w+\}/g, SOME_UUID)}`, { method: method.toUpperCase() });
      answered.push(`${method} ${path} ${response.status}`);
      await response.arrayBuffer();
    }
    expect(answered.filter((line) => !line.endsWith(' 401'))).toEqual([]);
  });

  it('every operation with a path parameter lists 404', () => {
    const withParameter = operations().filter((o) => o.path.includes('{'));
    expect(withParameter.length).toBeGreaterThan(20);
    expect(withParameter.filter((o) => !o.op.responses['404']).map((o) => `${o.method} ${o.path}`)).toEqual([]);
  });

  it('every error response carries the error body: statusCode, error, message (a text or a list)', () => {
    expect(resolved({ $ref: '#/components/schemas/ApiErrorBody' })).toMatchObject({
      required: expect.arrayContaining(['statusCode', 'error', 'message']),
      properties: { statusCode: { type: 'number' }, error: { type: 'string' }, message: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } },
    });
    const without = operations().flatMap(({ path, method, op }) =>
      Object.entries(op.responses as Record<string, Schema>)
        .filter(([status]) => Number(status) >= 400)
        .filter(([, response]) => !/\/(ApiErrorBody|ConnectionErrorBody)$/.test(response.content?.['application/json']?.schema?.$ref ?? ''))
        .map(([status]) => `${method} ${path} ${status}`),
    );
    expect(without).toEqual([]);
  });

  it('every class-validator limit of a @Query() or @Body() DTO is the schema limit of that parameter or field', () => {
    const checked: string[] = [];
    const wrong: string[] = [];
    for (const route of routes()) {
      const op = doc.paths[route.path]?.[route.method];
      for (const [where, dto] of [
        ['query', route.query],
        ['body', route.body],
      ] as const) {
        if (!dto) continue;
        const rules = getMetadataStorage()
          .getTargetValidationMetadatas(dto, '', true, false)
          .filter((rule) => rule.name !== undefined && rule.name in SCHEMA_KEYWORD);
        for (const rule of rules) {
          const property = rule.propertyName;
          const schema =
            where === 'query'
              ? op.parameters?.find((p: Schema) => p.in === 'query' && p.name === property)?.schema
              : resolved(op.requestBody?.content?.['application/json']?.schema)?.properties?.[property];
          const keyword = SCHEMA_KEYWORD[rule.name!];
          const expected = rule.name === 'isIn' ? [...(rule.constraints[0] as unknown[])].sort() : rule.constraints[0];
          const found = candidates(schema).map((s) => (keyword === 'enum' && Array.isArray(s.enum) ? [...(s.enum as unknown[])].sort() : s[keyword]));
          const label = `${route.method} ${route.path} ${where} ${property} ${keyword} ${JSON.stringify(expected)}`;
          checked.push(label);
          if (!found.some((value) => JSON.stringify(value) === JSON.stringify(expected))) wrong.push(`${label} (documented: ${JSON.stringify(found)})`);
        }
      }
    }
    // Derived from the code, so check it found what it must: every paged list's limit, e.g.
    expect(checked).toEqual(expect.arrayContaining([expect.stringMatching(/^get \/api\/v1\/tokens query limit maximum 1000$/)]));
    expect(checked.length).toBeGreaterThan(30);
    expect(wrong).toEqual([]);
  });

  it('every `limit` query parameter has a minimum and a maximum', () => {
    const limits = operations().flatMap(({ path, method, op }) =>
      ((op.parameters ?? []) as Schema[]).filter((p) => p.in === 'query' && p.name === 'limit').map((p) => ({ at: `${method} ${path}`, schema: p.schema as Schema })),
    );
    expect(limits.length).toBeGreaterThanOrEqual(5);
    expect(limits.filter((l) => typeof l.schema.minimum !== 'number' || typeof l.schema.maximum !== 'number').map((l) => l.at)).toEqual([]);
  });
});

describe('OpenAPI document: the statuses real requests provoke are listed by their operation (issue 18)', () => {
  /** A request, the operation (method and path template) it is, and the status it must get. */
  interface Sample {
    method: string;
    template: string;
    url: string;
    key: 'INTERNAL' | 'OPERATIONS' | 'FINANCE';
    body?: unknown;
    status: number;
  }

  const KEYS = { INTERNAL: TEST_INTERNAL_API_KEY, OPERATIONS: TEST_OPERATIONS_API_KEY, FINANCE: TEST_FINANCE_API_KEY };

  async function provoke(sample: Sample): Promise<{ status: number; body: Schema }> {
    const response = await fetch(`${service.url}${sample.url}`, {
      method: sample.method.toUpperCase(),
      headers: { 'X-API-Key': KEYS[sample.key], ...(sample.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: sample.body === undefined ? undefined : JSON.stringify(sample.body),
    });
    return { status: response.status, body: (await response.json()) as Schema };
  }

  it('400, 404, 409 and 502 answered through real HTTP are each in that operation’s responses, with the body they describe', async () => {
    const invited = await provoke({
      method: 'post',
      template: '',
      url: '/api/v1/operations/connections/invitations',
      key: 'OPERATIONS',
      body: { name: 'Never comes' },
      status: 201,
    });
    expect(invited.status).toBe(201);
    const id = invited.body.connection.id as string;
    const token = { uid: 'OPENAPI-1', type: 'RFID', contract_id: 'NL-EMS-C-OPENAPI1', issuer: 'Us' };
    expect((await provoke({ method: 'post', template: '', url: '/api/v1/tokens', key: 'INTERNAL', body: token, status: 201 })).status).toBe(201);
    const ops = '/api/v1/operations/connections';
    const samples: Sample[] = [
      { method: 'get', template: '/api/v1/tokens', url: '/api/v1/tokens?limit=0', key: 'INTERNAL', status: 400 },
      { method: 'get', template: '/api/v1/sessions', url: '/api/v1/sessions', key: 'INTERNAL', status: 400 },
      { method: 'get', template: '/api/v1/locations', url: '/api/v1/locations?latitude=1', key: 'INTERNAL', status: 400 },
      { method: 'get', template: '/api/v1/operations/call-log', url: '/api/v1/operations/call-log?limit=501', key: 'OPERATIONS', status: 400 },
      { method: 'get', template: '/api/v1/finance/cdrs', url: '/api/v1/finance/cdrs?limit=0', key: 'FINANCE', status: 400 },
      { method: 'get', template: `${ops}/{id}/deviations`, url: `${ops}/${id}/deviations?days=0`, key: 'OPERATIONS', status: 400 },
      { method: 'post', template: ops, url: ops, key: 'OPERATIONS', body: { name: 'x' }, status: 400 },
      { method: 'get', template: `${ops}/{id}`, url: `${ops}/${SOME_UUID}`, key: 'OPERATIONS', status: 404 },
      { method: 'get', template: `${ops}/{id}/sync-runs`, url: `${ops}/${SOME_UUID}/sync-runs`, key: 'OPERATIONS', status: 404 },
      { method: 'get', template: `${ops}/{id}/rejected-objects`, url: `${ops}/${SOME_UUID}/rejected-objects`, key: 'OPERATIONS', status: 404 },
      { method: 'get', template: `${ops}/{id}/token-pushes`, url: `${ops}/${SOME_UUID}/token-pushes`, key: 'OPERATIONS', status: 404 },
      { method: 'get', template: `${ops}/{id}/token-scope`, url: `${ops}/${SOME_UUID}/token-scope`, key: 'OPERATIONS', status: 404 },
      { method: 'get', template: `${ops}/{id}/hub-clients`, url: `${ops}/${SOME_UUID}/hub-clients`, key: 'OPERATIONS', status: 404 },
      { method: 'get', template: '/api/v1/commands/{id}', url: `/api/v1/commands/${SOME_UUID}`, key: 'INTERNAL', status: 404 },
      { method: 'get', template: '/api/v1/finance/invoices/{id}/reconciliation', url: `/api/v1/finance/invoices/${SOME_UUID}/reconciliation`, key: 'FINANCE', status: 404 },
      {
        method: 'get',
        template: '/api/v1/finance/ledger',
        url: `/api/v1/finance/ledger?connection_id=${SOME_UUID}&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z`,
        key: 'FINANCE',
        status: 404,
      },
      { method: 'delete', template: `${ops}/{id}`, url: `${ops}/${SOME_UUID}`, key: 'OPERATIONS', status: 404 },
      { method: 'get', template: '/api/v1/sessions/{id}', url: `/api/v1/sessions/${SOME_UUID}`, key: 'INTERNAL', status: 404 },
      { method: 'get', template: '/api/v1/tokens/{type}/{uid}', url: '/api/v1/tokens/RFID/NOBODY', key: 'INTERNAL', status: 404 },
      { method: 'get', template: '/api/v1/finance/cdrs/{id}', url: `/api/v1/finance/cdrs/${SOME_UUID}`, key: 'FINANCE', status: 404 },
      { method: 'post', template: '/api/v1/tokens', url: '/api/v1/tokens', key: 'INTERNAL', body: token, status: 409 },
      { method: 'post', template: `${ops}/{id}/sync`, url: `${ops}/${id}/sync`, key: 'OPERATIONS', status: 409 },
      { method: 'post', template: `${ops}/{id}/rotate`, url: `${ops}/${id}/rotate`, key: 'OPERATIONS', status: 409 },
      { method: 'patch', template: `${ops}/{id}/modules/{module}`, url: `${ops}/${id}/modules/locations`, key: 'OPERATIONS', body: { mode: 'PULL' }, status: 409 },
      // Nothing listens on port 1: the CPO cannot be reached.
      { method: 'post', template: ops, url: ops, key: 'OPERATIONS', body: { name: 'Unreachable', versions_url: 'http://127.0.0.1:1/versions', token_a: 'token-a' }, status: 502 },
    ];
    const outcomes: string[] = [];
    for (const sample of samples) {
      const { status, body } = await provoke(sample);
      const response = doc.paths[sample.template]?.[sample.method]?.responses?.[String(status)];
      const schema = resolved(response?.content?.['application/json']?.schema);
      const absent = ((schema?.required ?? []) as string[]).filter((field) => !(field in body));
      outcomes.push(
        `${sample.method} ${sample.template}: ${status}${status === sample.status ? '' : ` (expected ${sample.status}: ${describeOf({ status, ...body })})`}` +
          `${response ? '' : ' not listed'}${schema && absent.length === 0 ? '' : ` body without ${absent.join(', ') || 'a schema'}`}`,
      );
    }
    expect(outcomes).toEqual(samples.map((s) => `${s.method} ${s.template}: ${s.status}`));
  });
});
