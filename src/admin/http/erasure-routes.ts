/** `POST /erasures`: erase one person (erase-user). */
import type { ErasureSubject } from '../erase-subject.js';
import { AdminError } from '../errors.js';
import { ok, type ApiRoute, type ApiServices } from './api-route.js';
import { readJson, validate } from './body.js';
import { authErrors, errorRef, json, ref, userIdParam } from './openapi-parts.js';
import { erasureRequestSchema } from './schemas.js';

interface ErasureBody {
  matrix_user_id?: string;
  connector?: string;
  workspace?: string;
  platform_user_id?: string;
}

function subjectOf(body: ErasureBody): ErasureSubject {
  const { matrix_user_id, connector, workspace, platform_user_id } = body;
  const platform = [connector, workspace, platform_user_id];
  if (matrix_user_id !== undefined && platform.every((v) => v === undefined)) {
    return { kind: 'matrix', userId: matrix_user_id };
  }
  if (matrix_user_id === undefined && connector && workspace && platform_user_id) {
    return { kind: 'platform', connector, workspace, userId: platform_user_id };
  }
  throw new AdminError(
    'INVALID_REQUEST',
    'give either matrix_user_id, or connector, workspace and platform_user_id (not both)',
  );
}

export function erasureRoute({ ops }: ApiServices): ApiRoute {
  return {
    method: 'POST',
    path: '/erasures',
    action: 'erase_user',
    auth: true,
    doc: {
      summary: "Erase one person's data from the bridge. Needs `admin`. Audited.",
      description:
        "A platform user: their ghost's name and avatar are cleared, it leaves every room and is " +
        'deactivated (its bridged messages are redacted first when `admin.erasure.redact_messages` ' +
        'is on), then every stored id, mapping, reaction, waiting event and connector storage entry ' +
        'naming them is deleted. A Matrix user: their linked platform accounts are unlinked, their ' +
        'mappings, reactions and waiting events deleted, and the audit log and link records name ' +
        'them by a pseudonym from then on. The answer counts what was erased; the audit entry holds ' +
        'the pseudonym and the counts only. See docs/data-protection.md.',
      parameters: [userIdParam],
      requestBody: {
        required: true,
        content: json(ref('ErasureRequest'), {
          connector: 'chat-x',
          workspace: 'agency-a',
          platform_user_id: 'u7xk2m9qp3',
        }),
      },
      responses: {
        '200': {
          description: 'Erased.',
          content: json(ref('ErasureReport'), {
            pseudonym: 'erased:3f2a9c1d0b7e6a54',
            counts: { 'matrix: ghost deactivated': 1, ghosts: 1, messages: 12, reactions: 3 },
          }),
        },
        '400': errorRef('BadRequest'),
        '404': errorRef('NotFound'),
        '502': errorRef('Unavailable'),
        ...authErrors,
      },
    },
    handle: async ({ actor, req }) => {
      const body = validate<ErasureBody>(erasureRequestSchema, await readJson(req));
      const report = await ops.eraseUser(actor, subjectOf(body));
      return ok({ pseudonym: report.pseudonym, counts: report.counts });
    },
  };
}
