// How answers come back to JavaScript (src/completions.rs): one threadsafe function per
// environment, woken once for any number of finished calls, referenced only while calls are in
// flight. Against the emulator, in fresh processes where the event loop's life is the point.

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { test } from 'node:test'

import { Client } from 'partner-center'

import { PACKAGE, TOKEN, newCustomer, uniqueDomain, useEmulator } from './helpers.mjs'

const env = useEmulator()
const INDEX = join(PACKAGE, 'index.js')

/** Runs `script` in a fresh Node with a client `c`; its exit code, signal and stdout. */
async function node(script) {
  const prelude = `const { Client } = require(${JSON.stringify(INDEX)});\nconst c = new Client({ token: ${JSON.stringify(TOKEN)}, baseUrl: ${JSON.stringify(env.emu.url)} });\n`
  const child = spawn(process.execPath, ['-e', prelude + script], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  const [code, signal] = await once(child, 'exit')
  clearTimeout(timer)
  return { code, signal, stdout, stderr }
}

test('a call in flight keeps the process alive until it is settled; an idle client does not', async () => {
  // Nothing awaits the call and nothing else is scheduled: only the call keeps the loop running.
  const busy = await node(
    "c.countryValidationRules.get('US').then((r) => console.log('answered', r.iso2Code), (e) => console.log('failed', e.message))",
  )
  assert.deepEqual([busy.code, busy.signal], [0, null], busy.stderr)
  assert.equal(busy.stdout.trim(), 'answered US')
  // After the answer, and with no call ever made, the client does not hold the process open:
  // without the unreference both would run until the test's kill.
  const after = await node(
    "c.countryValidationRules.get('US').then(() => { console.log('done'); setTimeout(() => console.log('still here'), 60_000).unref() })",
  )
  assert.deepEqual([after.code, after.signal, after.stdout.trim()], [0, null, 'done'], after.stderr)
  const idle = await node("console.log('idle')")
  assert.deepEqual([idle.code, idle.signal, idle.stdout.trim()], [0, null, 'idle'], idle.stderr)
})

test('many calls finishing together each settle once, with their own answer or error', async () => {
  const client = new Client({ token: TOKEN, baseUrl: env.emu.url })
  const domains = Array.from({ length: 48 }, () => uniqueDomain('burst'))
  const calls = domains.map((domain, i) =>
    i % 4 === 3
      ? client.customers.get('not-a-customer-id').then(
          () => 'resolved',
          (e) => e.kind,
        )
      : client.customers.create(newCustomer({ domain })).then((c) => c.companyProfile.domain),
  )
  const settled = await Promise.all(calls)
  domains.forEach((domain, i) => assert.equal(settled[i], i % 4 === 3 ? 'validation' : domain))
  // The client still works after the burst (the queue is not left signalled).
  assert.equal((await client.countryValidationRules.get('US')).iso2Code, 'US')
})
