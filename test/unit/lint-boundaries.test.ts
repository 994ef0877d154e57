/**
 * The import boundaries of eslint.boundaries.js fire: each hostile import below is linted as if
 * it were a file of the repository (ESLint's Node API with the project's own config) and must
 * be reported by the rule that forbids it, while the allowed imports next to them pass.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundaryConfig, SRC_LAYERS } from '../../eslint.boundaries.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RESTRICTED = 'import-x/no-restricted-paths';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The import-x rules ESLint reports for `code` placed at `file` (relative to the repository). */
async function ruleIdsFor(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const probe = 1;\n`, {
    filePath: join(ROOT, file),
  });
  const ruleIds = result!.messages.map((m) => m.ruleId ?? m.message);
  // The snippets leave their imports unused; only the boundary rules are of interest here.
  return ruleIds.filter((id) => id.startsWith('import-x/'));
}

describe('a connector imports the core only through src/connector/index.ts', () => {
  const hostile: Array<[string, string]> = [
    ['connectors/slack/probe.ts', "import { BridgeError } from '../../src/util/errors.js';"],
    ['connectors/slack/probe.ts', "import type { Block } from '../../src/model/message.js';"],
    ['connectors/slack/probe.ts', "import { splitText } from '../../src/format/index.js';"],
    ['connectors/slack/probe.ts', "import { splitText } from '../../src/format/split.js';"],
    [
      'connectors/slack/probe.ts',
      "import type { Connector } from '../../src/connector/contract.js';",
    ],
    ['connectors/teams/probe.ts', "import { Intake } from '../../src/core/intake.js';"],
    ['connectors/teams/probe.ts', "import type { Stores } from '../../src/store/index.js';"],
    [
      'connectors/teams/auth/probe.ts',
      "import { BridgeError } from '../../../src/util/errors.js';",
    ],
    ['connectors/teams/auth/probe.ts', "export * from '../../../src/format/inline.js';"],
    ['connectors/rocketchat/probe.ts', "const m = await import('../../src/config/index.js');"],
  ];
  it.each(hostile)('%s: %s is refused', async (file, code) => {
    expect(await ruleIdsFor(file, code)).toContain(RESTRICTED);
  });

  it.each([
    ['connectors/slack/probe.ts', "import { BridgeError } from '../../src/connector/index.js';"],
    [
      'connectors/teams/auth/probe.ts',
      "import type { Connector } from '../../../src/connector/index.js';",
    ],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await ruleIdsFor(file, code)).toEqual([]);
  });
});

describe('no connector imports another connector', () => {
  const hostile: Array<[string, string]> = [
    ['connectors/slack/probe.ts', "import { MattermostApi } from '../mattermost/api.js';"],
    ['connectors/teams/auth/probe.ts', "import { x } from '../../slack/format/index.js';"],
    ['connectors/teams/probe.ts', "import type { x } from '../rocketchat/types.js';"],
    ['connectors/mattermost/probe.ts', "export { definition } from '../teams/index.js';"],
  ];
  it.each(hostile)('%s: %s is refused', async (file, code) => {
    expect(await ruleIdsFor(file, code)).toContain(RESTRICTED);
  });

  it('its own folder is fine', async () => {
    expect(await ruleIdsFor('connectors/slack/probe.ts', "import { x } from './ids.js';")).toEqual(
      [],
    );
  });
});

describe('product code never imports tests, benchmarks, scripts or simulators', () => {
  const hostile: Array<[string, string]> = [
    ['src/core/probe.ts', "import { waitFor } from '../../test/harness/wait.js';"],
    ['src/app/probe.ts', "import { x } from '../../bench/settings.js';"],
    ['src/cli/probe.ts', "import { x } from '../../scripts/demo.js';"],
    ['connectors/slack/probe.ts', "import { x } from '../../test/harness/index.js';"],
    ['connectors/teams/probe.ts', "import { x } from '../../simulators/mattermost/index.js';"],
    [
      'connectors/mattermost/probe.ts',
      "import { x } from '../../simulators/mattermost/context.js';",
    ],
    ['src/app/probe.ts', "import { startSlackSimulator } from '../../simulators/slack/index.js';"],
  ];
  it.each(hostile)('%s: %s is refused', async (file, code) => {
    expect(await ruleIdsFor(file, code)).toContain(RESTRICTED);
  });
});

describe('src/ folders import only the layers below them', () => {
  const hostile: Array<[string, string]> = [
    ['src/util/probe.ts', "import { RemoteApiError } from '../connector/errors.js';"],
    ['src/matrix/probe.ts', "import { Intake } from '../core/intake.js';"],
    ['src/admin/probe.ts', "import { x } from '../app/bridge-app.js';"],
    ['src/core/probe.ts', "import type { AdminOperations } from '../admin/operations.js';"],
    ['src/connector/probe.ts', "import type { Stores } from '../store/index.js';"],
    ['src/model/probe.ts', "import { escapeHtml } from '../format/index.js';"],
  ];
  it.each(hostile)('%s: %s is refused', async (file, code) => {
    expect(await ruleIdsFor(file, code)).toContain(RESTRICTED);
  });

  it('every src/ folder has its place in the layer order', async () => {
    const { readdirSync } = await import('node:fs');
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect([...folders].sort()).toEqual([...SRC_LAYERS].sort());
  });

  it('a folder missing from the layer order stops the lint with a message saying so', () => {
    const fixture = mkdtempSync(join(tmpdir(), 'layers-unplaced-'));
    try {
      mkdirSync(join(fixture, 'src', 'newfolder'), { recursive: true });
      mkdirSync(join(fixture, 'connectors'));
      expect(() => boundaryConfig(pathToFileURL(`${fixture}/`))).toThrow(/src\/newfolder/);
    } finally {
      rmSync(fixture, { recursive: true, force: true });
    }
  });
});

describe('import cycles', () => {
  let fixture: string;
  let fixtureLint: ESLint;
  const write = (file: string, text: string) => {
    mkdirSync(join(fixture, file, '..'), { recursive: true });
    writeFileSync(join(fixture, file), text);
  };

  beforeAll(() => {
    fixture = mkdtempSync(join(tmpdir(), 'layers-cycle-'));
    mkdirSync(join(fixture, 'connectors', 'demo'), { recursive: true });
    write('src/core/a.ts', "import { b } from './b.js';\nexport const a = () => b;\n");
    write('src/core/b.ts', "import { a } from './a.js';\nexport const b = () => a;\n");
    write('src/core/c.ts', "import { d } from './sub/d.js';\nexport const c = d;\n");
    write('src/core/sub/d.ts', "import { e } from './e.js';\nexport const d = e;\n");
    write('src/core/sub/e.ts', "import { c } from '../c.js';\nexport const e = () => c;\n");
    write('src/core/plain.ts', "import { f } from './f.js';\nexport const plain = f;\n");
    write('src/core/f.ts', 'export const f = 1;\n');
    write('connectors/demo/x.ts', "import { y } from './y.js';\nexport const x = () => y;\n");
    write('connectors/demo/y.ts', "import { x } from './x.js';\nexport const y = () => x;\n");
    fixtureLint = new ESLint({
      cwd: fixture,
      overrideConfigFile: true,
      overrideConfig: [
        { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
        ...boundaryConfig(pathToFileURL(`${fixture}/`)),
      ],
    });
  });
  afterAll(() => rmSync(fixture, { recursive: true, force: true }));

  it.each([['src/core/a.ts'], ['src/core/b.ts'], ['src/core/c.ts'], ['connectors/demo/x.ts']])(
    '%s, part of a cycle, is reported',
    async (file) => {
      const [result] = await fixtureLint.lintFiles([join(fixture, file)]);
      expect(result!.messages.map((m) => m.ruleId)).toContain('import-x/no-cycle');
    },
  );

  it('a file outside any cycle is not', async () => {
    const [result] = await fixtureLint.lintFiles([join(fixture, 'src/core/plain.ts')]);
    expect(result!.messages).toEqual([]);
  });
});
