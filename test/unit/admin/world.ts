import type { Knex } from 'knex';
import { expect } from 'vitest';
import { AdminError } from '../../../src/admin/errors.js';
import { AdminOperations, type OperationsDeps } from '../../../src/admin/operations.js';
import { Permissions } from '../../../src/admin/permissions.js';
import type { PermissionsConfig } from '../../../src/config/index.js';
import { capabilitiesOf } from '../../../src/connector/capabilities.js';
import type { Connector } from '../../../src/connector/contract.js';
import { ConnectionStates } from '../../../src/core/connection-states.js';
import { ConnectorRegistry } from '../../../src/core/delivery/deps.js';
import { PortalDirectory } from '../../../src/core/portal-directory.js';
import { AdminQueries } from '../../../src/store/admin-queries.js';
import { AuditStore } from '../../../src/store/audit-store.js';
import { createStores, openDatabase, type Stores } from '../../../src/store/index.js';
import { LinkAdminStore } from '../../../src/store/link-admin-store.js';
import { silentLogger } from '../../../src/util/logger.js';
import { FakeMatrix, fakeConnector } from './fakes.js';

export interface AdminWorld {
  db: Knex;
  stores: Stores;
  directory: PortalDirectory;
  matrix: FakeMatrix;
  states: ConnectionStates;
  connectors: ConnectorRegistry;
  audit: AuditStore;
  links: LinkAdminStore;
  ops: AdminOperations;
}

/** The AdminError an operation was refused with (fails the test when it was not refused). */
export async function refused(work: Promise<unknown>): Promise<AdminError> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AdminError);
  return err as AdminError;
}

/** One in-memory PGlite database per test file (opening one takes seconds). */
export function openTestDb(): Promise<Knex> {
  return openDatabase({ dataDir: 'memory://' });
}

/**
 * Operations over a real database (emptied first), a fake Matrix and a `chat-x` connector
 * with one workspace `main`.
 */
export async function adminWorld(
  db: Knex,
  permissions: PermissionsConfig,
  connector: Connector = fakeConnector({ c1: 'General', c2: 'Random' }),
  workspaces: string[] = ['main'],
  extra: Partial<OperationsDeps> = {},
): Promise<AdminWorld> {
  await db.raw('truncate portals, portal_links, audit_log, admin_rooms, inbox cascade');
  const stores = createStores(db);
  const directory = new PortalDirectory(stores.portals);
  await directory.load();
  const matrix = new FakeMatrix();
  const states = new ConnectionStates();
  for (const workspace of workspaces) states.set('chat-x', workspace, { status: 'connected' });
  const connectors = new ConnectorRegistry();
  connectors.add({
    id: 'chat-x',
    displayName: 'Chat X',
    connector,
    capabilities: capabilitiesOf(connector),
  });
  const audit = new AuditStore(db);
  const links = new LinkAdminStore(db);
  const ops = new AdminOperations({
    directory,
    links,
    encryption: stores.encryption,
    audit,
    queries: new AdminQueries(db),
    connectors,
    connectorConfig: {
      'chat-x': { workspaces: Object.fromEntries(workspaces.map((n) => [n, {}])) },
    },
    states,
    matrix,
    permissions: new Permissions(permissions),
    log: silentLogger(),
    ...extra,
  });
  return {
    db,
    stores,
    directory,
    matrix,
    states,
    connectors,
    audit,
    links,
    ops,
  };
}
