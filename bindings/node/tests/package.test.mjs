// The npm package: `npm pack`, install the tarball into a fresh directory, run the quick start there.

import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'

import { Emulator, PACKAGE } from './helpers.mjs'

let emu
let work

before(async () => {
  emu = await Emulator.start()
  work = mkdtempSync(join(tmpdir(), 'partner-center-pack-'))
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

test('npm pack → npm install into a fresh directory → the quick start runs', { timeout: 180_000 }, () => {
  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', work], PACKAGE))
  const files = packed[0].files.map((f) => f.path).sort()
  for (const expected of ['index.js', 'index.mjs', 'index.d.ts', 'lib/errors.js', 'lib/errors.d.ts',
    'lib/runtime.js', 'lib/runtime.d.ts', 'native.js', 'native.d.ts', 'package.json', 'README.md']) {
    assert.ok(files.includes(expected), `${expected} is not in the tarball: ${files.join(', ')}`)
  }
  assert.ok(files.some((f) => /^partner-center\..+\.node$/.test(f)), 'no .node addon in the tarball')
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('tests/') || f.startsWith('examples/') ||
    f === 'Cargo.toml' || f.startsWith('node_modules/')), files.join(', '))
  const tarball = readdirSync(work).find((f) => /^partner-center-.*\.tgz$/.test(f))
  assert.ok(tarball)

  const app = join(work, 'app')
  execFileSync('mkdir', ['-p', app])
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'pack-test-app', private: true, version: '1.0.0' }))
  npm(['install', '--offline', join(work, tarball)], app)
  copyFileSync(join(PACKAGE, 'examples', 'quickstart.mjs'), join(app, 'quickstart.mjs'))

  const env = { ...process.env, PARTNER_CENTER_BASE_URL: emu.url, PARTNER_CENTER_TOKEN: 'pack-test-token' }
  delete env.NODE_PATH
  const where = execFileSync('node', ['-p', "require.resolve('partner-center')"], { cwd: app, env, encoding: 'utf8' })
  assert.ok(where.startsWith(join(app, 'node_modules', 'partner-center')), where)

  const out = execFileSync('node', ['quickstart.mjs'], { cwd: app, env, encoding: 'utf8', timeout: 120_000 })
  assert.match(out, /created [0-9a-f-]{36}: \{ userName: 'admin' \}/)
  assert.match(out, /password readable: true/)
  assert.match(out, /1 customers in the account/)
  assert.match(out, /taken now: true/)
  assert.match(out, /as expected: PC_NOT_FOUND 404 60003/)

  const cjs = execFileSync(
    'node',
    ['-e', "const { Client, PartnerCenterError } = require('partner-center'); console.log(typeof Client, typeof PartnerCenterError)"],
    { cwd: app, env, encoding: 'utf8' },
  )
  assert.equal(cjs.trim(), 'function function')
})
