/** The retention: block: defaults, the older keys still honoured, and clear errors. */
import { describe, expect, it } from 'vitest';
import { parseConfig, retentionSettings } from '../../../src/config/index.js';
import { MINIMAL, messagesOf, problemsOf, withExtra } from './config-fixtures.js';

describe('retention: config', () => {
  it('defaults every retention (0 = never for account links)', () => {
    expect(retentionSettings(parseConfig(MINIMAL))).toEqual({
      messages_days: 90,
      inbox_days: 90,
      failed_days: 90,
      audit_days: 365,
      connector_storage_days: 180,
      ghost_profiles_days: 180,
      account_links_days: 0,
    });
  });

  it('keeps bridge.message_retention_days and admin.audit_retention_days working', () => {
    const config = parseConfig(
      withExtra('bridge:\n  message_retention_days: 12\nadmin:\n  audit_retention_days: 40\n'),
    );
    expect(retentionSettings(config)).toMatchObject({
      messages_days: 12,
      inbox_days: 12,
      failed_days: 12,
      audit_days: 40,
    });
  });

  it('the retention: block wins over the older keys', () => {
    const config = parseConfig(
      withExtra(`bridge:
  message_retention_days: 12
admin:
  audit_retention_days: 40
retention:
  messages_days: 30
  inbox_days: 7
  failed_days: 60
  audit_days: 400
  connector_storage_days: 0
  ghost_profiles_days: 0
  account_links_days: 365
`),
    );
    expect(retentionSettings(config)).toEqual({
      messages_days: 30,
      inbox_days: 7,
      failed_days: 60,
      audit_days: 400,
      connector_storage_days: 0,
      ghost_profiles_days: 0,
      account_links_days: 365,
    });
  });

  it.each([
    ['messages_days: 0', 'retention.messages_days'],
    ['inbox_days: -1', 'retention.inbox_days'],
    ['failed_days: 1.5', 'retention.failed_days'],
    ['audit_days: "ten"', 'retention.audit_days'],
    ['connector_storage_days: -3', 'retention.connector_storage_days'],
    ['ghost_profile_days: 10', 'retention'],
  ])('refuses %s, naming %s', (line, key) => {
    const messages = messagesOf(problemsOf(withExtra(`retention:\n  ${line}\n`)));
    expect(messages.join('\n')).toContain(key);
  });
});
