import type { AppserviceSlot } from './synapse.js';

/** What the integration global setup hands to every test file (`inject('harness')`). */
export interface HarnessContext {
  /** Client-server API base URL of the shared Synapse, e.g. http://127.0.0.1:PORT */
  synapseUrl: string;
  serverName: string;
  /** Superuser URL of the shared PostgreSQL's maintenance database. */
  postgresUrl: string;
  /** The appservice registrations Synapse knows; claim one per test file with claimSlot(). */
  slots: AppserviceSlot[];
  /** Folder holding the slot claims (`slot-<id>` folders). */
  slotLockDir: string;
  /** Synapse's registration_shared_secret, for registerUser(). */
  registrationSharedSecret: string;
  /** Synapse's log on the host (useful in failure messages). */
  synapseLogFile: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    harness: HarnessContext;
  }
}
