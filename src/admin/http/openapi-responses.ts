/** The error answers shared by many routes (OpenAPI `components.responses`), with examples. */
import { exampleLink, exampleRoomId, json, ref } from './openapi-parts.js';

function errorExample(errcode: string, error: string, code: string, field?: string) {
  return field ? { errcode, error, code, field } : { errcode, error, code };
}

const errorAnswer = (description: string, example: object) => ({
  description,
  content: json(ref('Error'), example),
});

export const sharedResponses = {
  BadRequest: errorAnswer(
    'Malformed request; `field` names the field at fault.',
    errorExample(
      'M_INVALID_PARAM',
      'the body is invalid: channel: must not be empty',
      'INVALID_REQUEST',
      'channel',
    ),
  ),
  Unauthenticated: errorAnswer(
    'No or an invalid token. Audited.',
    errorExample('M_MISSING_TOKEN', 'sign in: send Authorization: Bearer …', 'UNAUTHENTICATED'),
  ),
  Forbidden: errorAnswer(
    'The permission level or the power in the room is too low, or the channel is private ' +
      'and the actor may not bridge it (PRIVATE_CHANNEL_DENIED). Audited.',
    errorExample(
      'M_FORBIDDEN',
      '@ulf:example.org may not link (needs the "linker" permission, has "user")',
      'PERMISSION_DENIED',
    ),
  ),
  NotFound: errorAnswer(
    'Unknown connector, workspace, channel, room or link.',
    errorExample(
      'M_NOT_FOUND',
      'no connector "chat" is running (running: chat-x)',
      'CONNECTOR_UNKNOWN',
    ),
  ),
  Conflict: errorAnswer(
    'The channel is linked elsewhere, the link is managed in the config file, or the bridge bot cannot join the room.',
    errorExample(
      'M_BAD_STATE',
      `channel chat-x/agency-a/${exampleLink.channel} is already linked to room ${exampleRoomId}; unlink it there first`,
      'CHANNEL_ALREADY_LINKED',
      'channel',
    ),
  ),
  RateLimited: errorAnswer('Too many requests from this client; retry after `retry_after_ms`.', {
    errcode: 'M_LIMIT_EXCEEDED',
    error: 'too many requests; retry in 2 s',
    code: 'RATE_LIMITED',
    retry_after_ms: 1500,
  }),
  Unavailable: errorAnswer(
    'The platform or homeserver could not be asked.',
    errorExample(
      'M_UNKNOWN',
      'Chat-X workspace "agency-a" could not be asked: timeout',
      'REMOTE_UNAVAILABLE',
    ),
  ),
};
