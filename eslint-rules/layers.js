/**
 * The house's layers, enforced (the idea of VS Code's `code-layering`): each folder is a layer,
 * and a file may import only its own layer and the layers listed under `may`. Relative imports
 * are resolved against the importing file, so `../../main/engine/x` is caught from anywhere.
 *
 *   shared ← db / ai / extract ← engine ← app ← web / cli / the Electron shell
 *   renderer and preload import only shared; only the shell and preload import `electron`.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Most specific first: a file belongs to the first layer whose test matches its repo path. */
export const LAYERS = [
  { name: 'shared', test: (p) => p.startsWith('src/shared/'), may: [] },
  { name: 'db', test: (p) => p.startsWith('src/main/db/'), may: ['shared'] },
  { name: 'ai', test: (p) => p.startsWith('src/main/ai/'), may: ['shared'] },
  { name: 'extract', test: (p) => p.startsWith('src/main/extract/'), may: ['shared'] },
  { name: 'engine', test: (p) => p.startsWith('src/main/engine/'), may: ['shared', 'db', 'ai', 'extract'] },
  { name: 'app', test: (p) => p.startsWith('src/main/app/'), may: ['shared', 'db', 'ai', 'extract', 'engine'] },
  { name: 'web', test: (p) => p.startsWith('src/main/web/'), may: ['shared', 'app'] },
  { name: 'cli', test: (p) => p.startsWith('src/cli/'), may: ['shared', 'app', 'web'] },
  // The Electron shell: the files directly in src/main. It hands the extractor Electron's utilityProcess.
  { name: 'shell', test: (p) => /^src\/main\/[^/]+$/.test(p), may: ['shared', 'app', 'extract', 'web'], electron: true },
  { name: 'preload', test: (p) => p.startsWith('src/preload/'), may: ['shared'], electron: true },
  { name: 'renderer', test: (p) => p.startsWith('src/renderer/'), may: ['shared'] },
];

export function layerOf(repoPath) {
  return LAYERS.find((l) => l.test(repoPath));
}

/** The repo path an import names: the file itself, with an extension, or a folder's index. */
function resolveImport(abs) {
  const candidates = [abs, ...EXTENSIONS.map((e) => abs + e), ...EXTENSIONS.map((e) => path.join(abs, `index${e}`))];
  const found = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile()) ?? abs;
  return path.relative(ROOT, found).split(path.sep).join('/');
}
const EXTENSIONS = ['.ts', '.tsx', '.js', '.mjs', '.cjs'];

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Each folder imports only the layers below it (see eslint-rules/layers.js).' },
    schema: [],
  },
  create(context) {
    const file = path.relative(ROOT, context.filename).split(path.sep).join('/');
    const from = layerOf(file);
    if (!from) return {};
    const check = (node, specifier) => {
      if (typeof specifier !== 'string') return;
      if (specifier === 'electron' || specifier.startsWith('electron/')) {
        if (!from.electron) context.report({ node, message: `${from.name} must run without Electron: only the shell (src/main/*.ts) and the preload import electron.` });
        return;
      }
      if (!specifier.startsWith('.')) return; // a package
      const to = layerOf(resolveImport(path.resolve(path.dirname(context.filename), specifier)));
      if (!to || to === from || from.may.includes(to.name)) return;
      context.report({
        node,
        message: `${from.name} may not import ${to.name} ("${specifier}"): ${from.name} may import ${from.may.length ? from.may.join(', ') : 'only itself'}.`,
      });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') check(node.arguments[0], node.arguments[0].value);
      },
    };
  },
};

export default { rules: { layers: rule } };
