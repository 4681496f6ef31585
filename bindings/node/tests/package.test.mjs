// The npm packages as a release publishes them (scripts/stage.mjs): the main package and this
// platform's addon package, packed with `npm pack`, installed into a fresh directory, the quick start
// run there; and the loader's error when the addon is missing or the platform has none.

import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { after, before, test } from 'node:test'

import { Emulator, PACKAGE } from './helpers.mjs'

const { version } = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8'))
const { currentPlatform } = createRequire(import.meta.url)('../lib/platforms.js')
const PLATFORM = currentPlatform()

let emu
let work
let tarballs

before(async () => {
  emu = await Emulator.start()
  work = mkdtempSync(join(tmpdir(), 'partner-center-pack-'))
  const staged = execFileSync('node', [join(PACKAGE, 'scripts', 'stage.mjs'), '--out', join(work, 'staged')], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
  tarballs = {}
  for (const dir of staged) {
    const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], dir))
    tarballs[packed.name] = { path: join(work, packed.filename), files: packed.files.map((f) => f.path).sort() }
  }
})
after(async () => {
  await emu.stop()
  rmSync(work, { recursive: true, force: true })
})

function npm(args, cwd) {
  return execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/** A fresh app directory with the given tarballs installed from disk only. */
function app(name, packages, extra = []) {
  const dir = join(work, name)
  mkdirSync(dir)
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, version: '1.0.0' }))
  npm(['install', '--offline', ...extra, ...packages.map((p) => tarballs[p].path)], dir)
  return dir
}

function envFor() {
  const env = { ...process.env, PARTNER_CENTER_BASE_URL: emu.url, PARTNER_CENTER_TOKEN: 'pack-test-token' }
  delete env.NODE_PATH
  return env
}

test('the main package carries JavaScript, typings and the loader, and every platform as an optional dependency', () => {
  const main = tarballs['partner-center']
  for (const expected of ['index.js', 'index.mjs', 'index.d.ts', 'lib/errors.js', 'lib/errors.d.ts', 'lib/native.js',
    'lib/platforms.js', 'lib/runtime.js', 'lib/runtime.d.ts', 'native.js', 'native.d.ts', 'package.json', 'README.md']) {
    assert.ok(main.files.includes(expected), `${expected} is not in the tarball: ${main.files.join(', ')}`)
  }
  assert.ok(!main.files.some((f) => f.endsWith('.node') || f.startsWith('src/') || f.startsWith('tests/') ||
    f.startsWith('scripts/') || f.startsWith('npm/') || f.startsWith('examples/') || f === 'Cargo.toml' ||
    f.startsWith('node_modules/')), main.files.join(', '))

  const manifest = JSON.parse(execFileSync('tar', ['-xOzf', main.path, 'package/package.json'], { encoding: 'utf8' }))
  assert.deepEqual(manifest.optionalDependencies, Object.fromEntries(
    ['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'darwin-x64', 'darwin-arm64', 'win32-x64-msvc']
      .map((p) => [`partner-center-${p}`, version]),
  ))
  assert.equal(manifest.devDependencies, undefined)
  assert.equal(manifest.scripts, undefined)
})

test('each platform package holds its addon and says where it runs', () => {
  const built = ['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'darwin-x64', 'darwin-arm64', 'win32-x64-msvc']
    .filter((p) => existsSync(join(PACKAGE, `partner-center.${p}.node`)))
  assert.ok(built.includes(PLATFORM), `this platform's addon (${PLATFORM}) is not built`)
  for (const platform of built.filter((p) => p.startsWith('linux-'))) {
    const { path, files } = tarballs[`partner-center-${platform}`]
    assert.deepEqual(files, ['README.md', 'package.json', `partner-center.${platform}.node`])
    const manifest = JSON.parse(execFileSync('tar', ['-xOzf', path, 'package/package.json'], { encoding: 'utf8' }))
    assert.equal(manifest.version, version)
    assert.deepEqual(manifest.os, ['linux'])
    assert.deepEqual(manifest.cpu, [platform.split('-')[1]])
    assert.deepEqual(manifest.libc, [platform.endsWith('-musl') ? 'musl' : 'glibc'])
  }
})

test(`npm pack → install into a fresh directory (main + ${PLATFORM}) → the quick start runs`, { timeout: 180_000 }, () => {
  const dir = app('app', ['partner-center', `partner-center-${PLATFORM}`])
  copyFileSync(join(PACKAGE, 'examples', 'quickstart.mjs'), join(dir, 'quickstart.mjs'))
  const env = envFor()
  const where = execFileSync('node', ['-p', "require.resolve('partner-center')"], { cwd: dir, env, encoding: 'utf8' })
  assert.ok(where.startsWith(join(dir, 'node_modules', 'partner-center')), where)
  const addon = execFileSync('node', ['-p', `require.resolve('partner-center-${PLATFORM}')`], { cwd: dir, env, encoding: 'utf8' })
  assert.ok(addon.startsWith(join(dir, 'node_modules', `partner-center-${PLATFORM}`)), addon)

  const out = execFileSync('node', ['quickstart.mjs'], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 })
  assert.match(out, /created [0-9a-f-]{36}: \{ userName: 'admin' \}/)
  assert.match(out, /password readable: true/)
  assert.match(out, /1 customers in the account/)
  assert.match(out, /taken now: true/)
  assert.match(out, /as expected: PC_NOT_FOUND 404 60003/)

  const cjs = execFileSync(
    'node',
    ['-e', "const { Client, PartnerCenterError } = require('partner-center'); console.log(typeof Client, typeof PartnerCenterError)"],
    { cwd: dir, env, encoding: 'utf8' },
  )
  assert.equal(cjs.trim(), 'function function')
})

/** Runs `new Client(...)` in `dir` and returns the error message it throws. */
function clientError(dir, preload = []) {
  const run = spawnSync(
    'node',
    [...preload, '-e', "const { Client } = require('partner-center'); try { new Client({ baseUrl: 'http://127.0.0.1:9' }); console.log('loaded') } catch (e) { console.log(e.code, e.message) }"],
    { cwd: dir, env: envFor(), encoding: 'utf8' },
  )
  assert.equal(run.status, 0, run.stderr)
  return run.stdout
}

test('without its platform package, the error names the package to install', { timeout: 120_000 }, () => {
  const dir = app('app-no-addon', ['partner-center'], ['--omit=optional'])
  const out = clientError(dir)
  assert.match(out, new RegExp(`^PC_CONFIG partner-center \\S+ cannot load its native addon on ${PLATFORM}`))
  assert.match(out, new RegExp(`partner-center-${PLATFORM}, an optional dependency of partner-center`))
  assert.match(out, /--omit=optional/)
})

test('on a platform with no prebuilt addon, the error lists those there are', { timeout: 120_000 }, () => {
  const dir = app('app-other-platform', ['partner-center', `partner-center-${PLATFORM}`])
  writeFileSync(join(dir, 'riscv.cjs'), "Object.defineProperty(process, 'arch', { value: 'riscv64' })\n")
  assert.equal(clientError(dir).trim(), 'loaded')
  const out = clientError(dir, ['--require', './riscv.cjs'])
  assert.match(out, new RegExp(`cannot load its native addon on ${process.platform}-riscv64`))
  assert.match(out, /no prebuilt addon for it \(prebuilt: linux-x64-gnu, linux-arm64-gnu, linux-x64-musl, darwin-x64, darwin-arm64, win32-x64-msvc\)/)
})
