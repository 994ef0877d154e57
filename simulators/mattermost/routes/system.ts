import { AppError } from '../errors.js';
import { json, type Ctx, type Route } from '../context.js';

const MAX_POST_SIZE = 16383;

function ping(): ReturnType<typeof json> {
  return json({
    status: 'OK',
    AndroidLatestVersion: '',
    AndroidMinVersion: '',
    IosLatestVersion: '',
    IosMinVersion: '',
  });
}

/**
 * `GET /config/client?format=old`. Anonymous callers get the limited config; sessions get the
 * full one, which (as in the server's `GenerateClientConfig`) carries EnablePostUsernameOverride
 * and EnablePostIconOverride as "true"/"false".
 */
function clientConfig(ctx: Ctx): ReturnType<typeof json> {
  if (ctx.query.get('format') !== 'old') {
    throw new AppError(
      501,
      'api.config.client.old_format.app_error',
      'New format for the client configuration is not supported yet. Please specify format=old.',
    );
  }
  const { config, state } = ctx.sim;
  const [major, minor, patch] = config.serverVersion.split('.');
  const version = `${major ?? '0'}.${minor ?? '0'}.${patch ?? '0'}`;
  const limited: Record<string, string> = {
    Version: version,
    BuildNumber: version,
    BuildDate: '',
    BuildHash: 'simulator',
    BuildHashEnterprise: 'none',
    BuildEnterpriseReady: 'false',
    SiteURL: config.siteUrl,
    SiteName: 'Mattermost Simulator',
    WebsocketURL: '',
    WebsocketPort: '80',
    WebsocketSecurePort: '443',
    EnableSignInWithEmail: 'true',
    EnableSignInWithUsername: 'true',
    EnableBotAccountCreation: 'true',
    DiagnosticsEnabled: 'false',
    TelemetryId: '',
  };
  if (!ctx.viewer) return json(limited);
  const s = state.settings;
  return json({
    ...limited,
    EnablePostUsernameOverride: String(s.enablePostUsernameOverride),
    EnablePostIconOverride: String(s.enablePostIconOverride),
    EnableUserAccessTokens: 'true',
    EnableIncomingWebhooks: 'true',
    EnableOutgoingWebhooks: 'true',
    EnableCommands: 'true',
    EnableLinkPreviews: 'false',
    EnableFileAttachments: 'true',
    EnableUserTypingMessages: 'true',
    TimeBetweenUserTypingUpdatesMilliseconds: '5000',
    ExperimentalEnableDefaultChannelLeaveJoinMessages: 'true',
    PostEditTimeLimit: '-1',
    TeammateNameDisplay: 'username',
    CollapsedThreads: 'disabled',
    MaxFileSize: String(config.maxFileSize),
    MaxPostSize: String(MAX_POST_SIZE),
    ShowEmailAddress: 'true',
    ShowFullName: 'true',
  });
}

export const systemRoutes: Route[] = [
  { method: 'GET', path: '/system/ping', handler: ping, anonymous: true },
  { method: 'GET', path: '/config/client', handler: clientConfig, anonymous: true },
];
