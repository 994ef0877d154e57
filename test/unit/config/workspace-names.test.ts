/**
 * One workspace-name rule: every connector's `workspaces:` schema accepts exactly the names the
 * core accepts in portal links and the provisioning API, so a configured workspace can always
 * be linked (dotted names used to pass the connectors and be refused by the core).
 */
import { describe, expect, it } from 'vitest';
import { definition as mattermost } from '../../../connectors/mattermost/index.js';
import { definition as rocketchat } from '../../../connectors/rocketchat/index.js';
import { definition as slack } from '../../../connectors/slack/index.js';
import { definition as teams } from '../../../connectors/teams/index.js';
import { WORKSPACE_NAME_PATTERN } from '../../../src/config/index.js';
import { connectorValidate } from '../../../src/config/validate.js';

const CONNECTORS = [mattermost, rocketchat, slack, teams];

const ACCEPTED = ['agency-a', 'main', 'a', '0', 'team42', 'x-1-y'];
const REFUSED = [
  'chat.example.org',
  'agency.a',
  '.hidden',
  'Agency',
  'AGENCY',
  'agency_a',
  '_',
  '-lead',
  '',
  'a b',
  'agency/a',
  'agency:a',
  'agency@a',
  'ägency',
  'agency\u200ba',
  'agency\n',
];

/** Whether the connector's schema refuses `name` as a key of `workspaces:`. */
function connectorRefuses(def: (typeof CONNECTORS)[number], name: string): boolean {
  const validate = connectorValidate(def.id, def.configSchema);
  validate({ workspaces: { [name]: {} } });
  return (validate.errors ?? []).some(
    (e) => e.keyword === 'propertyNames' || e.propertyName === name,
  );
}

const coreAccepts = (name: string) => new RegExp(WORKSPACE_NAME_PATTERN).test(name);

describe.each(CONNECTORS.map((d) => [d.id, d] as const))('%s workspaces:', (_id, def) => {
  it.each(ACCEPTED)('accepts %j, as the core does', (name) => {
    expect(coreAccepts(name)).toBe(true);
    expect(connectorRefuses(def, name)).toBe(false);
  });

  it.each(REFUSED)('refuses %j, as the core does', (name) => {
    expect(coreAccepts(name)).toBe(false);
    expect(connectorRefuses(def, name)).toBe(true);
  });
});
