import { randomBytes, randomUUID } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A Slack-style id: one prefix letter (T team, U user, C channel, B bot, A app, F file…) + 10 chars. */
export function slackId(prefix: string): string {
  let out = prefix;
  for (const byte of randomBytes(10)) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

export function eventId(): string {
  return slackId('Ev');
}

export function envelopeId(): string {
  return randomUUID();
}

/** A random token body: `xoxb-…`, `xoxp-…`, `xapp-…`. */
export function token(prefix: 'xoxb' | 'xoxp' | 'xapp'): string {
  return `${prefix}-${randomBytes(6).readUIntBE(0, 6)}-${randomBytes(6).readUIntBE(0, 6)}-${randomBytes(12).toString('hex')}`;
}

export function secret(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Message timestamps: `seconds.micros`, unique and increasing within the simulator, as
 * Slack's are within a channel. They are also the message ids.
 */
export class TsClock {
  private last = 0;

  next(): string {
    this.last = Math.max(this.last + 1, Date.now() * 1000);
    return formatTs(this.last);
  }
}

export function formatTs(micros: number): string {
  const seconds = Math.floor(micros / 1e6);
  return `${seconds}.${String(micros % 1e6).padStart(6, '0')}`;
}

/** `1700000000.000100` → micros; NaN when malformed. */
export function parseTs(ts: string): number {
  const m = /^(\d{1,12})\.(\d{6})$/.exec(ts);
  if (!m) return Number.NaN;
  return Number(m[1]) * 1e6 + Number(m[2]);
}

/** Slack's `oldest`/`latest` arguments: a ts or a plain number of seconds. */
export function parseBound(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const exact = parseTs(value);
  if (!Number.isNaN(exact)) return exact;
  const seconds = Number(value);
  return Number.isFinite(seconds) ? Math.round(seconds * 1e6) : undefined;
}
