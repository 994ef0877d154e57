/**
 * The media policy's refusals of one inbox item, kept with the item's deliveries (the
 * durable `inbox_deliveries` rows a retry reads back). So each refusal of a file for a side
 * is audited once, however often the item is retried for another side, and the platform
 * sender's notice can be sent, or retried, on an attempt that no longer judges the files
 * because their sides were delivered before. A mark holds the side, the file's position in
 * the message and the refusal (reason, type, size, limit or signature): never a file name.
 */
import type { MediaRefusal } from '../../media/media-refusal.js';

const PREFIX = 'media-refused ';

/** What the marks need of a Delivery: the targets done so far, and recording a new one. */
export interface MarkLedger {
  targets(): string[];
  mark(target: string): void;
}

export interface MarkedRefusal {
  /** The side the file was kept from (`matrix` or `connector/workspace/channel`). */
  side: string;
  /** The file's position among the message's attachments. */
  file: number;
  refusal: MediaRefusal;
}

export class RefusalMarks {
  constructor(private readonly ledger: MarkLedger) {}

  /** The refusal already recorded (and audited) for this file and side, if any. */
  find(side: string, file: number): MarkedRefusal | undefined {
    return this.all().find((m) => m.side === side && m.file === file);
  }

  record(side: string, file: number, refusal: MediaRefusal): void {
    this.ledger.mark(PREFIX + JSON.stringify({ side, file, refusal }));
  }

  /** Every refusal of the item so far, by side and then file position. */
  all(): MarkedRefusal[] {
    return this.ledger
      .targets()
      .filter((t) => t.startsWith(PREFIX))
      .map((t) => JSON.parse(t.slice(PREFIX.length)) as MarkedRefusal)
      .sort((a, b) => a.side.localeCompare(b.side) || a.file - b.file);
  }
}
