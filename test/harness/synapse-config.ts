/**
 * What the harness writes for Synapse: the appservice registrations, the rate-limit and log
 * overrides, and the launcher that applies them inside the Synapse root.
 */
import { stringify as toYaml } from 'yaml';
import type { AppserviceSlot } from './synapse.js';

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The registration YAML document for one slot. */
export function registrationFor(
  slot: AppserviceSlot,
  serverName = 'localhost',
): Record<string, unknown> {
  const prefix = escapeRegex(slot.userPrefix);
  const server = escapeRegex(serverName);
  const ephemeral = slot.receiveEphemeral ?? true;
  return {
    id: slot.id,
    url: slot.url,
    as_token: slot.asToken,
    hs_token: slot.hsToken,
    sender_localpart: slot.senderLocalpart,
    rate_limited: false,
    receive_ephemeral: ephemeral,
    'de.sorunome.msc2409.push_ephemeral': ephemeral,
    namespaces: {
      users: [{ exclusive: true, regex: `@${prefix}.*:${server}` }],
      aliases: [{ exclusive: true, regex: `#${prefix}.*:${server}` }],
      rooms: [],
    },
  };
}

const UNLIMITED = { per_second: 100_000, burst_count: 100_000 };

export function rateLimitOverrides(): Record<string, unknown> {
  return {
    rc_message: UNLIMITED,
    rc_registration: UNLIMITED,
    rc_registration_token_validity: UNLIMITED,
    rc_login: { address: UNLIMITED, account: UNLIMITED, failed_attempts: UNLIMITED },
    rc_admin_redaction: UNLIMITED,
    rc_joins: { local: UNLIMITED, remote: UNLIMITED },
    rc_joins_per_room: UNLIMITED,
    rc_3pid_validation: UNLIMITED,
    rc_invites: { per_room: UNLIMITED, per_user: UNLIMITED, per_issuer: UNLIMITED },
    rc_third_party_invite: UNLIMITED,
    rc_media_create: UNLIMITED,
    rc_presence: { per_user: UNLIMITED },
    rc_delayed_event_mgmt: UNLIMITED,
    rc_room_creation: UNLIMITED,
    rc_reports: UNLIMITED,
    rc_user_directory: UNLIMITED,
    rc_key_requests: UNLIMITED,
  };
}

/**
 * Runs inside the root. Shortens the appservice retry delay (if asked), generates the config
 * with Synapse's own --generate-config on first start (secrets, signing key), applies the
 * harness overrides on every start, then runs the homeserver in the same Python process
 * (one interpreter start instead of two: about 2.5 s saved).
 */
export const LAUNCHER = String.raw`
import json, os, sys

run_dir = sys.argv[1]
cfg_path = os.path.join(run_dir, "homeserver.yaml")
with open(os.path.join(run_dir, "harness.json")) as f:
    harness = json.load(f)

retry = harness.get("appservice_retry")
if retry:
    try:
        from synapse.appservice import scheduler as _scheduler

        _initial = float(retry["initial_seconds"])
        _maximum = float(retry["max_seconds"])
        _original_recover = _scheduler._Recoverer.recover

        def _shrink(delay):
            # Synapse's delay is 2 ** backoff_counter seconds (2, 4, ... 512).
            seconds = delay.total_seconds() if hasattr(delay, "total_seconds") else float(delay)
            new = min(_initial * seconds / 2.0, _maximum)
            if hasattr(delay, "total_seconds"):
                try:
                    return type(delay)(seconds=new)
                except TypeError:
                    import datetime
                    return datetime.timedelta(seconds=new)
            return new

        class _ShrinkingClock:
            def __init__(self, clock):
                self._clock = clock

            def __getattr__(self, name):
                return getattr(self._clock, name)

            def call_later(self, delay, *args, **kwargs):
                return self._clock.call_later(_shrink(delay), *args, **kwargs)

        def _recover(self):
            real_clock = self.clock
            self.clock = _ShrinkingClock(real_clock)
            try:
                return _original_recover(self)
            finally:
                self.clock = real_clock

        _scheduler._Recoverer.recover = _recover
    except Exception as e:  # keep Synapse usable even if its internals moved
        print("harness: could not shorten the appservice retry delay: %r" % (e,), file=sys.stderr)

if not os.path.exists(cfg_path):
    from synapse.config.homeserver import HomeServerConfig

    HomeServerConfig.load_or_generate_config(
        "Synapse Homeserver",
        [
            "--config-path", cfg_path,
            "--generate-config",
            "--server-name", harness["server_name"],
            "--report-stats=no",
            "--data-directory", run_dir,
        ],
    )
    print("harness: generated config", flush=True)

import yaml

with open(cfg_path) as f:
    cfg = yaml.safe_load(f) or {}
cfg.update(harness["overrides"])
with open(cfg_path + ".tmp", "w") as f:
    yaml.safe_dump(cfg, f, default_flow_style=False, sort_keys=False)
os.replace(cfg_path + ".tmp", cfg_path)

sys.argv = ["synapse-homeserver", "--config-path", cfg_path]
from synapse.app.homeserver import main

main()
`;

export function logConfig(level: string): string {
  return toYaml({
    version: 1,
    formatters: {
      precise: {
        format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s',
      },
    },
    handlers: {
      console: { class: 'logging.StreamHandler', formatter: 'precise', stream: 'ext://sys.stderr' },
    },
    loggers: {
      'synapse.storage.SQL': { level: 'WARNING' },
      'synapse.storage.background_updates': { level: 'WARNING' },
    },
    root: { level, handlers: ['console'] },
    disable_existing_loggers: false,
  });
}
