import type { Migration } from '../src/store/migration-source.js';
import * as m001 from './001_core.js';
import * as m002 from './002_admin.js';
import * as m003 from './003_portal_encryption.js';
import * as m004 from './004_failed_payloads.js';
import * as m005 from './005_channel_cursors.js';
import * as m006 from './006_reaction_snapshots.js';
import * as m007 from './007_storage_touched.js';
import * as m008 from './008_link_retirement.js';

/** Core migrations, in order. Names are stable: they are recorded in knex_migrations. */
export const coreMigrations: Migration[] = [
  { name: '001_core', ...m001 },
  { name: '002_admin', ...m002 },
  { name: '003_portal_encryption', ...m003 },
  { name: '004_failed_payloads', ...m004 },
  { name: '005_channel_cursors', ...m005 },
  { name: '006_reaction_snapshots', ...m006 },
  { name: '007_storage_touched', ...m007 },
  { name: '008_link_retirement', ...m008 },
];
