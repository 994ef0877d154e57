import type { Knex } from 'knex';
import { CursorStore } from './cursor-store.js';
import { EncryptionStore } from './encryption-store.js';
import { GhostStore } from './ghost-store.js';
import { InboxStore } from './inbox-store.js';
import { KvStore } from './kv-store.js';
import { MessageStore } from './message-store.js';
import { PortalStore } from './portal-store.js';
import { ReactionSnapshotStore } from './reaction-snapshot-store.js';
import { ReactionStore } from './reaction-store.js';

export { openDatabase } from './database.js';
export * from './cursor-store.js';
export * from './encryption-store.js';
export * from './ghost-store.js';
export * from './inbox-store.js';
export * from './message-store.js';
export * from './portal-store.js';
export * from './reaction-snapshot-store.js';
export * from './reaction-store.js';

export interface Stores {
  db: Knex;
  portals: PortalStore;
  inbox: InboxStore;
  messages: MessageStore;
  reactions: ReactionStore;
  reactionSnapshots: ReactionSnapshotStore;
  ghosts: GhostStore;
  kv: KvStore;
  cursors: CursorStore;
  encryption: EncryptionStore;
}

export function createStores(db: Knex): Stores {
  return {
    db,
    portals: new PortalStore(db),
    inbox: new InboxStore(db),
    messages: new MessageStore(db),
    reactions: new ReactionStore(db),
    reactionSnapshots: new ReactionSnapshotStore(db),
    ghosts: new GhostStore(db),
    kv: new KvStore(db),
    cursors: new CursorStore(db),
    encryption: new EncryptionStore(db),
  };
}
