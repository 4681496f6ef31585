// The TypeScript typings of signing in (tests/typings/*.ts): what must compile does, and every
// `@ts-expect-error` line really is an error (tsc reports an unused one).

import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { test } from 'node:test'

import { PACKAGE } from './helpers.mjs'

test('tsc --noEmit --strict accepts tests/typings', () => {
  const tsc = createRequire(join(PACKAGE, 'package.json')).resolve('typescript/bin/tsc')
  try {
    execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '-p', join(PACKAGE, 'tests', 'typings')], {
      cwd: PACKAGE,
      encoding: 'utf8',
      stdio: 'pipe',
    })
  } catch (err) {
    assert.fail(`tsc failed:\n${err.stdout}${err.stderr}`)
  }
})
