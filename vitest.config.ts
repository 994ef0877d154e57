import { defineConfig } from 'vitest/config';

// Two projects: fast tests (pure logic, simulators, the connector contract suite), and integration tests that share one Synapse and one
// PostgreSQL started by the global setup.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'test/unit/**/*.test.ts',
            'test/simulators/**/*.test.ts',
            'test/contract/**/*.test.ts',
          ],
          // Generous: on a loaded machine (2 cores, several runs) a simulator's start-up or a
          // spec load in a hook can take far longer than vitest's 10 s default.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/store/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/harness/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
