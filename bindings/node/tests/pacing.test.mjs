// `requestsPerMinute`: client-side pacing shared by every concurrent call of a client, so a bulk job
// stays under the service's throttling instead of being answered 429. And the two new client
// options' checks.

import assert from 'node:assert/strict'
import { test } from 'node:test'

import { Client } from 'partner-center'

import { TOKEN, uniqueDomain, useEmulator } from './helpers.mjs'

const env = useEmulator()

/** `total` domain checks, `inFlight` at a time; the error codes of those that failed. */
async function bulk(client, total, inFlight) {
  let next = 0
  const failures = []
  const worker = async () => {
    while (next < total) {
      next += 1
      try {
        await client.domains.exists(uniqueDomain())
      } catch (err) {
        failures.push(err.code)
      }
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker))
  return failures
}

test('100 calls at 16 in flight: throttled without pacing, never with requestsPerMinute just under the limit', async () => {
  // The emulator answers 429 past 40 requests per token in each 2 s window (1200 a minute).
  await env.emu.admin('POST', '/_sandbox/throttle', { limit: 40, windowMs: 2000 })

  const unpaced = new Client({ token: TOKEN, baseUrl: env.emu.url, maxRetries: 0 })
  const throttled = await bulk(unpaced, 100, 16)
  assert.ok(throttled.length > 0, 'the emulator throttled nothing: the test proves nothing')
  assert.ok(throttled.every((code) => code === 'PC_THROTTLED'), throttled.join())

  // A new window and token budget, then the same job paced at 1100 a minute (36.7 per 2 s).
  await env.emu.admin('POST', '/_sandbox/throttle', { limit: 40, windowMs: 2000 })
  const before = (await env.emu.probe()).requests
  const paced = new Client({ token: TOKEN, baseUrl: env.emu.url, maxRetries: 0, requestsPerMinute: 1100 })
  assert.deepEqual(await bulk(paced, 100, 16), [])
  assert.equal((await env.emu.probe()).requests - before, 100)
})

test('pacing is per client: calls of one client share its pace, another client is not slowed', async () => {
  await env.emu.admin('POST', '/_sandbox/throttle', { limit: 0 })
  // 60 a minute: one request a second. Three at once from the paced client take two intervals.
  const slow = new Client({ token: TOKEN, baseUrl: env.emu.url, requestsPerMinute: 60 })
  const fast = new Client({ token: TOKEN, baseUrl: env.emu.url })
  const before = (await env.emu.probe()).requests
  const pending = Promise.all([1, 2, 3].map(() => slow.domains.exists(uniqueDomain())))
  // While the paced client waits its turn, the other client's 20 calls all go through.
  await Promise.all(Array.from({ length: 20 }, () => fast.domains.exists(uniqueDomain())))
  const midway = (await env.emu.probe()).requests - before
  assert.ok(midway >= 20 && midway < 23, `requests so far: ${midway} (the paced three cannot all have gone)`)
  assert.deepEqual(await pending, [false, false, false])
})

test('requestsPerMinute and maxResponseBytes must be whole numbers, 1 or more', () => {
  for (const [name, value] of [
    ['requestsPerMinute', 0],
    ['requestsPerMinute', -5],
    ['requestsPerMinute', 1.5],
    ['requestsPerMinute', Number.NaN],
    ['requestsPerMinute', 2 ** 40],
    ['requestsPerMinute', '600'],
    ['maxResponseBytes', 0],
    ['maxResponseBytes', -1],
    ['maxResponseBytes', 1024.5],
    ['maxResponseBytes', Number.POSITIVE_INFINITY],
    ['maxResponseBytes', '1MB'],
  ]) {
    assert.throws(
      () => new Client({ token: TOKEN, baseUrl: env.emu.url, [name]: value }),
      (err) => err.code === 'PC_CONFIG' && err.message.includes(name),
      `${name}: ${value}`,
    )
  }
  const ok = new Client({ token: TOKEN, baseUrl: env.emu.url, requestsPerMinute: 1, maxResponseBytes: 1 })
  assert.ok(ok.correlationId)
})
