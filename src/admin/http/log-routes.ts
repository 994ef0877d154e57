/** `GET /failures` and `GET /audit`: what went wrong and who changed what. */
import type { AuditOutcome } from '../../store/audit-store.js';
import { AdminError } from '../errors.js';
import { ok, type ApiRoute, type ApiServices } from './api-route.js';
import { auditJson, failureJson } from './api-views.js';
import {
  authErrors,
  errorRef,
  exampleLink,
  exampleRoomId,
  exampleTime,
  json,
  limitParam,
  listOf,
  userIdParam,
} from './openapi-parts.js';

const OUTCOMES: readonly AuditOutcome[] = ['ok', 'denied', 'unauthenticated', 'invalid', 'failed'];

/** An integer query parameter within bounds, or AdminError naming it. */
function intParam(
  query: URLSearchParams,
  name: string,
  fallback: number | undefined,
  min: number,
  max: number,
): number | undefined {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) {
    throw new AdminError('INVALID_REQUEST', `${name} must be an integer from ${min} to ${max}`, {
      field: name,
    });
  }
  return value;
}

function outcomeParam(query: URLSearchParams): AuditOutcome | undefined {
  const outcome = query.get('outcome') ?? undefined;
  if (outcome !== undefined && !(OUTCOMES as readonly string[]).includes(outcome)) {
    throw new AdminError('INVALID_REQUEST', `outcome must be one of: ${OUTCOMES.join(', ')}`, {
      field: 'outcome',
    });
  }
  return outcome as AuditOutcome | undefined;
}

const exampleFailure = {
  id: 42,
  room_id: exampleRoomId,
  source: 'matrix',
  event_key: '$event:example.org',
  error: 'chat-x/agency-a/hxq9: Chat-X answered 403',
  attempts: 1,
  at: exampleTime,
};

const exampleAuditEntry = {
  id: 7,
  at: exampleTime,
  actor: '@ulf:example.org',
  path: 'command',
  action: 'link',
  outcome: 'denied',
  room_id: exampleRoomId,
  ...exampleLink,
  detail: 'needs linker, has user',
};

export function failuresRoute({ ops }: ApiServices): ApiRoute {
  return {
    method: 'GET',
    path: '/failures',
    action: 'recent_failures',
    auth: true,
    doc: {
      summary: 'Deliveries that failed for good, newest first. Needs `linker`.',
      parameters: [limitParam, userIdParam],
      responses: {
        '200': {
          description: 'The failures.',
          content: json(listOf('failures', 'Failure'), { failures: [exampleFailure] }),
        },
        '400': errorRef('BadRequest'),
        ...authErrors,
      },
    },
    handle: async ({ actor, query }) => {
      const limit = intParam(query, 'limit', 50, 1, 500) as number;
      return ok({ failures: (await ops.recentFailures(actor, limit)).map(failureJson) });
    },
  };
}

const auditParameters = [
  limitParam,
  {
    name: 'before',
    in: 'query',
    description: 'Only entries with a smaller id (the next page).',
    schema: { type: 'integer', minimum: 1 },
  },
  { name: 'outcome', in: 'query', schema: { type: 'string', enum: OUTCOMES } },
  { name: 'actor', in: 'query', schema: { type: 'string' } },
  userIdParam,
];

export function auditRoute({ ops }: ApiServices): ApiRoute {
  return {
    method: 'GET',
    path: '/audit',
    action: 'audit_list',
    auth: true,
    doc: {
      summary: 'The audit log, newest first. Needs `admin`.',
      parameters: auditParameters,
      responses: {
        '200': {
          description: 'Audit entries.',
          content: json(listOf('entries', 'AuditEntry'), { entries: [exampleAuditEntry] }),
        },
        '400': errorRef('BadRequest'),
        ...authErrors,
      },
    },
    handle: async ({ actor, query }) => {
      const entries = await ops.auditList(actor, {
        limit: intParam(query, 'limit', 50, 1, 500) as number,
        beforeId: intParam(query, 'before', undefined, 1, Number.MAX_SAFE_INTEGER),
        outcome: outcomeParam(query),
        actor: query.get('actor') ?? undefined,
      });
      return ok({ entries: entries.map(auditJson) });
    },
  };
}
