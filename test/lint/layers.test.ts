/**
 * The layering rule bites: a file that imports across a layer fails `eslint`, a legal import
 * passes. The files are linted as if they sat in each folder (ESLint's own Node API, the repo's
 * eslint.config.js), so the test follows the real configuration.
 */
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

/** The layer-rule messages ESLint gives for `code` placed at `file` (a repo path). */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, file) });
  const fatal = result.messages.filter((m) => m.fatal);
  expect(fatal, 'the fixture parses').toEqual([]);
  return result.messages.filter((m) => m.ruleId === 'intake/layers').map((m) => m.message);
}

describe('layers enforced by eslint', () => {
  const illegal: [string, string, RegExp][] = [
    ['src/main/engine/fixture.ts', "import { createIntakeService } from '../app/service';\nvoid createIntakeService;\n", /engine may not import app/],
    ['src/main/engine/fixture.ts', "import { startWebServer } from '../web/server';\nvoid startWebServer;\n", /engine may not import web/],
    ['src/main/engine/fixture.ts', "import { app } from 'electron';\nvoid app;\n", /engine must run without Electron/],
    ['src/main/app/fixture.ts', "import { safeStorage } from 'electron';\nvoid safeStorage;\n", /app must run without Electron/],
    ['src/main/db/fixture.ts', "import { Engine } from '../engine/engine';\nvoid Engine;\n", /db may not import engine/],
    ['src/shared/fixture.ts', "import { Library } from '../main/engine/library';\nvoid Library;\n", /shared may not import engine/],
    ['src/renderer/src/fixture.ts', "import { Engine } from '../../main/engine/engine';\nvoid Engine;\n", /renderer may not import engine/],
    ['src/renderer/src/fixture.ts', "export { contract } from '../../preload/index';\n", /renderer may not import preload/],
    ['src/preload/fixture.ts', "const m = await import('../main/app/dispatch');\nvoid m;\n", /preload may not import app/],
    ['src/cli/fixture.ts', "import { Library } from '../main/engine/library';\nvoid Library;\n", /cli may not import engine/],
    ['src/main/web/fixture.ts', "import { registerIpc } from '../ipc';\nvoid registerIpc;\n", /web may not import shell/],
  ];
  it.each(illegal)('%s: %s fails lint', async (file, code, message) => {
    const errors = await layerErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  const legal: [string, string][] = [
    ['src/main/engine/fixture.ts', "import { nowSec } from '../db/connection';\nimport type { Stage } from '../../shared/domain';\nexport const f = (s: Stage) => [s, nowSec()];\n"],
    ['src/main/app/fixture.ts', "import { Engine } from '../engine/engine';\nvoid Engine;\n"],
    ['src/cli/fixture.ts', "import { libraryFile } from '../main/app/paths';\nvoid libraryFile;\n"],
    ['src/main/fixture.ts', "import { app } from 'electron';\nimport { createIntakeService } from './app/service';\nvoid app;\nvoid createIntakeService;\n"],
    ['src/preload/fixture.ts', "import { contextBridge } from 'electron';\nimport { CHANNELS } from '../shared/contract';\nvoid contextBridge;\nvoid CHANNELS;\n"],
    ['src/renderer/src/fixture.ts', "import { CODE_LABEL } from '../../shared/errors';\nvoid CODE_LABEL;\n"],
  ];
  it.each(legal)('%s: a legal import passes', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});
