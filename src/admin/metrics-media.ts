import { Counter, Gauge, type Registry } from 'prom-client';
import { REFUSAL_REASONS } from '../media/media-refusal.js';
import { MEDIA_DIRECTIONS } from '../media/media-rules.js';

/**
 * The media policy's series: files refused, by reason and direction (every pair at 0 from
 * start-up), and whether the virus scanner answers (only once a scanner is configured and
 * has been asked, so a bridge without one has no series an alert could match).
 */
export class MediaMetrics {
  private readonly refusals: Counter<'reason' | 'direction'>;
  private readonly scanner: Gauge<'scanner'>;

  constructor(registers: Registry[]) {
    this.refusals = new Counter({
      name: 'bridge_media_refused_total',
      help: 'Files the media policy kept back, by reason (too_large, type_not_allowed, infected, scanner_unavailable) and direction',
      labelNames: ['reason', 'direction'],
      registers,
    });
    this.scanner = new Gauge({
      name: 'bridge_media_scanner_up',
      help: 'Whether the virus scanner (clamd) answered the last scan or health check: 1 yes, 0 no',
      labelNames: ['scanner'],
      registers,
    });
    for (const reason of REFUSAL_REASONS) {
      for (const direction of MEDIA_DIRECTIONS) this.refusals.inc({ reason, direction }, 0);
    }
  }

  refused(reason: string, direction: string): void {
    this.refusals.inc({ reason, direction });
  }

  scannerUp(up: boolean): void {
    this.scanner.set({ scanner: 'clamd' }, up ? 1 : 0);
  }
}
