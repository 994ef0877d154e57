import { newId } from './ids.js';

/** A Mattermost `model.AppError`, answered as `{id, message, detailed_error, request_id, status_code}`. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly id: string,
    message: string,
  ) {
    super(message);
  }

  toJSON(requestId: string = newId()): Record<string, unknown> {
    // The real server blanks detailed_error unless developer mode is on.
    return {
      id: this.id,
      message: this.message,
      detailed_error: '',
      request_id: requestId,
      status_code: this.statusCode,
    };
  }
}

export const sessionExpired = (): AppError =>
  new AppError(
    401,
    'api.context.session_expired.app_error',
    'Invalid or expired session, please login again.',
  );

export const permissionError = (): AppError =>
  new AppError(
    403,
    'api.context.permissions.app_error',
    'You do not have the appropriate permissions.',
  );

export const invalidUrlParam = (name: string): AppError =>
  new AppError(
    400,
    'api.context.invalid_url_param.app_error',
    `Invalid or missing ${name} parameter in request URL.`,
  );

export const invalidParam = (name: string): AppError =>
  new AppError(400, 'api.context.invalid_param.app_error', `Invalid ${name} parameter.`);

export const invalidBodyParam = (name: string): AppError =>
  new AppError(
    400,
    'api.context.invalid_body_param.app_error',
    `Invalid or missing ${name} in request body.`,
  );

export const bodyTooLarge = (limit: number): AppError =>
  new AppError(
    413,
    'api.context.request_body_too_large.app_error',
    `Request body is larger than the limit of ${limit} bytes.`,
  );

export const notFound = {
  post: (): AppError => new AppError(404, 'app.post.get.app_error', 'Unable to get the post.'),
  user: (): AppError =>
    new AppError(404, 'app.user.missing_account.const', 'Unable to find the user.'),
  team: (): AppError =>
    new AppError(404, 'app.team.get.find.app_error', 'Unable to find the existing team.'),
  channel: (): AppError =>
    new AppError(404, 'app.channel.get.existing.app_error', 'Unable to find the existing channel.'),
  member: (): AppError =>
    new AppError(
      404,
      'app.channel.get_member.missing.app_error',
      'No channel member found for that user ID and channel ID.',
    ),
  file: (): AppError =>
    new AppError(404, 'app.file_info.get.app_error', 'Unable to get the file info.'),
  route: (path: string): AppError =>
    new AppError(
      404,
      'api.context.404.app_error',
      `Sorry, we could not find the page. There doesn't appear to be an api call for the url='${path}'.`,
    ),
};

export const internalError = (message = 'An internal error occurred.'): AppError =>
  new AppError(500, 'app.simulator.internal.app_error', message);
