#!/usr/bin/env node
// Production bundle of the CLI. `npm run build` runs, in order:
//   tsc                      → dist/ file by file (the emulator daemon and dist/lib keep this output)
//   scripts/build.mjs        → dist/cli.cjs (this file) + dist/commands/**/*.cjs (one-line stubs)
//   oclif manifest           → oclif.manifest.json, so start-up loads only the command that runs
//   scripts/code-cache.mjs   → dist/cli.cjs.cache, V8's compiled code for the bundle (see bin/run.js)
//
// Why: most of a command's start-up went to Node resolving, reading and compiling a few hundred
// files of @oclif/core, @aws-sdk/* and @smithy/*. Here they are one CommonJS file holding
// @oclif/core, every command and its lib code, so there is one copy of @oclif/core in the process
// and no module resolution. Command modules stay lazy inside the bundle: a command's code (and the
// SDK operations only it uses) runs only when oclif asks for that command. CommonJS rather than
// ES modules because on Node 20 only a classic script can be compiled with V8's code cache.
//
// Source modules no longer sit at their own path, so `import.meta.url` in src/ is rewritten to the
// URL the module has in tsc's output (dist/<same path>.js): `new URL('../emulator/daemon.js',
// import.meta.url)` keeps pointing at dist/lib/emulator/daemon.js.

import {build} from 'esbuild'
import crypto from 'node:crypto'
import fs from 'node:fs'
import {builtinModules} from 'node:module'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const src = path.join(root, 'src')
const dist = path.join(root, 'dist')
const commandsSrc = path.join(src, 'commands')
const commandsDist = path.join(dist, 'commands')
const BUNDLE = path.join(dist, 'cli.cjs')

function walk(dir) {
  return fs.readdirSync(dir, {withFileTypes: true}).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? walk(p) : [p]
  })
}

const commandFiles = walk(commandsSrc)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .sort()
/** cluster/describe.ts → cluster:describe, as oclif names it (index.ts names its directory). */
const commandId = (file) =>
  path
    .relative(commandsSrc, file)
    .replace(/\.ts$/, '')
    .split(path.sep)
    .filter((part, i, all) => !(part === 'index' && i === all.length - 1))
    .join(':')

// The entry: oclif's execute() and a loader per command. require() of an ES module inside the
// bundle makes esbuild wrap it (and what only it imports) in a lazy initialiser.
const entrySource = [
  "exports.execute = require('@oclif/core').execute",
  'const commands = {',
  ...commandFiles.map((f) => `  ${JSON.stringify(commandId(f))}: () => require(${JSON.stringify(f)}),`),
  '}',
  '/** The module of one command, as oclif would have imported it from its own file. */',
  'exports.command = (id) => commands[id]()',
  '',
].join('\n')

const cliEntry = {
  name: 'auroractl-cli-entry',
  setup(b) {
    b.onResolve({filter: /^auroractl:cli$/}, () => ({path: 'cli', namespace: 'auroractl'}))
    b.onLoad({filter: /.*/, namespace: 'auroractl'}, () => ({contents: entrySource, resolveDir: root, loader: 'js'}))
  },
}

/** import.meta.url in src/ → the URL of that module's file in tsc's output. */
const sourceModuleUrls = {
  name: 'auroractl-source-module-urls',
  setup(b) {
    b.onLoad({filter: /\.ts$/}, async (args) => {
      if (!args.path.startsWith(src + path.sep)) return undefined
      let contents = await fs.promises.readFile(args.path, 'utf8')
      if (/\bimport\.meta\.(dirname|filename|resolve)\b/.test(contents)) {
        throw new Error(`${path.relative(root, args.path)}: only import.meta.url is supported in bundled code`)
      }
      const asBuilt = path.relative(src, args.path).replace(/\.ts$/, '.js').split(path.sep).join('/')
      contents = contents.replace(/\bimport\.meta\.url\b/g, `__auroractlModuleUrl(${JSON.stringify(asBuilt)})`)
      return {contents, loader: 'ts'}
    })
  },
}

// A bundle compiled from V8's code cache runs as a vm.Script, where import() is not available on
// Node 20 without a flag. So no import() is left in the bundle: esbuild turns import() of bundled
// modules into require(); import() of a Node built-in goes through a small bundled module that
// re-exports it; and import() of a path computed at run time (oclif loading commands, hooks or
// plugins, lilconfig loading a config file) calls the loader's import (bin/run.js passes it in), or
// plain import() when the bundle is require()d. The build fails if one is found that it cannot place.
const builtins = new Set(builtinModules)
const builtinDynamicImports = {
  name: 'auroractl-builtin-dynamic-imports',
  setup(b) {
    b.onResolve({filter: /^[a-z_:/]+$/}, (args) => {
      if (args.kind !== 'dynamic-import' || !builtins.has(args.path.replace(/^node:/, ''))) return undefined
      return {path: args.path.replace(/^node:/, ''), namespace: 'auroractl-builtin'}
    })
    b.onLoad({filter: /.*/, namespace: 'auroractl-builtin'}, (args) => ({
      contents: `export * from 'node:${args.path}'\nexport {default} from 'node:${args.path}'\n`,
      loader: 'js',
    }))
  },
}
const RUNTIME_IMPORT = /(?<![\w$.])import\((?!\s*['"`)])/g
const runtimeImports = []
const hostImport = {
  name: 'auroractl-host-import',
  setup(b) {
    b.onLoad({filter: /[\\/]node_modules[\\/].*\.(js|cjs|mjs)$/}, async (args) => {
      const contents = await fs.promises.readFile(args.path, 'utf8')
      if (!RUNTIME_IMPORT.test(contents)) return undefined
      runtimeImports.push(path.relative(root, args.path))
      return {contents: contents.replace(RUNTIME_IMPORT, '__auroractlImport('), loader: args.path.endsWith('.cjs') ? 'js' : 'default'}
    })
  },
}

const banner = [
  "var __auroractlImport = typeof __auroractlHostImport === 'function' ? __auroractlHostImport : (specifier) => import(specifier);",
  "function __auroractlModuleUrl(p) { return require('node:url').pathToFileURL(require('node:path').join(__dirname, p)).href }",
].join('\n')

const result = await build({
  absWorkingDir: root,
  entryPoints: [{in: 'auroractl:cli', out: 'cli'}],
  outExtension: {'.js': '.cjs'},
  outdir: dist,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // ES module builds of the SDK, so operations no command uses are left out.
  mainFields: ['module', 'main'],
  minify: true,
  // Class and function names stay as written: error names and oclif's and the SDK's messages use them.
  keepNames: true,
  legalComments: 'none',
  // oclif requires typescript only to run TypeScript sources in development (bin/dev.js uses tsx).
  external: ['typescript'],
  banner: {js: banner},
  plugins: [cliEntry, sourceModuleUrls, builtinDynamicImports, hostImport],
  metafile: true,
  write: false,
  logLevel: 'warning',
})

const [output] = result.outputFiles
// All ASCII (esbuild escapes strings, not every regular expression), so bin/run.js can read it as
// latin1, several times faster than decoding UTF-8. A \uXXXX escape means the same in any context
// esbuild leaves a raw character in (strings, regular expressions, identifiers).
if (/\\[\u0080-\uffff]/.test(output.text)) throw new Error('dist/cli.cjs: a backslash before a non-ASCII character; escape it by hand in scripts/build.mjs')
const text = output.text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
const leftover = text.slice(text.indexOf(banner) + banner.length).match(/(?<![\w$.])import\((?!\))/g)
if (leftover) throw new Error(`dist/cli.cjs still has ${leftover.length} import() call(s) that a code-cached script cannot run`)
const buildId = crypto.createHash('sha256').update(text).digest('hex').slice(0, 20)
// The code cache is only valid for these exact bytes; bin/run.js matches it by this id.
fs.rmSync(`${BUNDLE}.cache`, {force: true})
fs.writeFileSync(BUNDLE, `${text}//# auroractl-build=${buildId}\n`)

// tsc's per-file commands are replaced by stubs that take the command from the bundle.
fs.rmSync(commandsDist, {recursive: true, force: true})
for (const file of commandFiles) {
  const stub = path.join(commandsDist, path.relative(commandsSrc, file).replace(/\.ts$/, '.cjs'))
  fs.mkdirSync(path.dirname(stub), {recursive: true})
  const bundle = path.relative(path.dirname(stub), BUNDLE).split(path.sep).join('/')
  fs.writeFileSync(stub, `module.exports = require(${JSON.stringify(bundle)}).command(${JSON.stringify(commandId(file))})\n`)
}

if (process.env.AURORACTL_BUILD_METAFILE) fs.writeFileSync(process.env.AURORACTL_BUILD_METAFILE, JSON.stringify(result.metafile))
console.log(`run-time import() through the loader: ${runtimeImports.sort().join(', ')}`)
console.log(`esbuild: ${commandFiles.length} commands → ${path.relative(root, BUNDLE)} (${(text.length / 1024).toFixed(0)} KiB, build ${buildId})`)
