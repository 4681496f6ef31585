// Node load generator (the flags and the JSON line are the contract in bench/README.md).
//
// Clients:
//   ours    the package (bindings/node), default options, as a partner would use it.
//   fetch   the same requests written by hand on Node's built-in fetch (its default global
//           dispatcher, which is what a partner gets), status checked, `await res.json()`.
//   undici  the same requests on `undici.request` (npm, pinned in bench/node/package.json) through
//           a Pool with one connection per call in flight, status checked, `await body.json()`.
// All return plain objects: JS has no dataclasses, so decoding the JSON is the whole decode step.
// The hand-written peers are in peers.mjs (shared with the cold-start cell).
//
// N async loops share one client. Calls completing during the warm-up are not counted; calls
// completing during the measured window are counted as requests or errors.
//
//   node bench/node/load.mjs --base-url http://127.0.0.1:PORT --token x --client ours --op get \
//     --customer-id UUID --concurrency 16 --seconds 2

import { performance } from 'node:perf_hooks'
import { setImmediate, setTimeout as sleep } from 'node:timers/promises'

import { newCustomer } from '../../tests/tools/create-body.mjs'
import { readFlags } from '../../tests/tools/flags.mjs'
import { FetchClient, undiciClient } from './peers.mjs'

const USAGE =
  'usage: load.mjs --base-url URL --token T --client ours|fetch|undici --op get|create ' +
  '[--customer-id UUID] [--concurrency N] [--seconds S] [--warmup-seconds W]'

const CLIENTS = ['ours', 'fetch', 'undici']

function parseFlags() {
  const { values, usage } = readFlags(
    USAGE,
    {
      'base-url': { type: 'string' },
      token: { type: 'string' },
      client: { type: 'string' },
      op: { type: 'string' },
      'customer-id': { type: 'string' },
      concurrency: { type: 'string', default: '1' },
      seconds: { type: 'string', default: '2' },
      'warmup-seconds': { type: 'string', default: '0.5' },
    },
    ['base-url', 'token', 'client', 'op'],
  )
  if (!CLIENTS.includes(values.client)) usage(`unknown client ${JSON.stringify(values.client)}`)
  if (!['get', 'create'].includes(values.op)) usage(`unknown op ${JSON.stringify(values.op)}`)
  if (values.op === 'get' && !values['customer-id']) usage('--op get needs --customer-id')
  const concurrency = Number(values.concurrency)
  const seconds = Number(values.seconds)
  const warmupSeconds = Number(values['warmup-seconds'])
  if (!Number.isInteger(concurrency) || concurrency < 1) usage(`bad --concurrency ${values.concurrency}`)
  if (!(seconds > 0)) usage(`bad --seconds ${values.seconds}`)
  if (!(warmupSeconds >= 0)) usage(`bad --warmup-seconds ${values['warmup-seconds']}`)
  return {
    baseUrl: values['base-url'].replace(/\/+$/, ''),
    token: values.token,
    client: values.client,
    op: values.op,
    customerId: values['customer-id'],
    concurrency,
    seconds,
    warmupSeconds,
  }
}

/** The company name in the create body every client sends (tests/tools/create-body.mjs). */
const COMPANY = 'Contoso Bench'

const args = parseFlags()
let created = 0
const nextDomain = () => `bench-${args.client}-${process.pid}-${created++}.onmicrosoft.com`

let call
if (args.client === 'ours') {
  // Imported here, like undici, so that a peer's process does not load the addon.
  const { Client } = await import('../../bindings/node/index.mjs')
  const client = new Client({ token: args.token, baseUrl: args.baseUrl })
  call =
    args.op === 'get'
      ? () => client.customers.get(args.customerId)
      : () => client.customers.create(newCustomer(nextDomain(), COMPANY))
} else {
  const client =
    args.client === 'fetch'
      ? new FetchClient({ token: args.token, baseUrl: args.baseUrl })
      : await undiciClient({ token: args.token, baseUrl: args.baseUrl, connections: args.concurrency })
  call =
    args.op === 'get'
      ? () => client.getCustomer(args.customerId)
      : () => client.createCustomer(newCustomer(nextDomain(), COMPANY))
}

/** How long the end of a run waits for the calls in flight: a hung call must not hang the benchmark. */
const DRAIN_GRACE_MS = 10_000

// The phase the loops see after each call: warm-up (not counted), measuring, done (stop).
let phase = 'warmup'
let requests = 0
let errors = 0
let reported = false
let finished = 0

async function loop() {
  for (;;) {
    let ok = true
    try {
      await call()
    } catch (err) {
      ok = false
      if (!reported) {
        reported = true
        console.error(`first error (${args.client} ${args.op}):`, err)
      }
      // Some failures settle without a trip through the event loop (a validation error; fetch to a
      // refused port did so in testing): the loop would spin on microtasks and starve the timers
      // that end the run.
      await setImmediate()
    }
    if (phase === 'done') {
      finished++
      return
    }
    if (phase === 'measure') {
      if (ok) requests++
      else errors++
    }
  }
}

const loops = Array.from({ length: args.concurrency }, loop)
await sleep(args.warmupSeconds * 1000)
phase = 'measure'
const started = performance.now()
await sleep(args.seconds * 1000)
phase = 'done'
// The window is what actually elapsed: a busy event loop runs the timer a little late.
const seconds = (performance.now() - started) / 1000
// Each loop finishes its call in flight (not counted). One stuck in a hung call is left behind (the
// exit below ends it) rather than hanging the benchmark; the hung call counts as an error so that the
// measurement is rejected rather than quietly low.
await Promise.race([Promise.all(loops), sleep(DRAIN_GRACE_MS)])
const stuck = args.concurrency - finished
if (stuck > 0) {
  console.error(`${stuck} calls still in flight ${DRAIN_GRACE_MS} ms after the end: counted as errors`)
  errors += stuck
}

const line = JSON.stringify({
  client: args.client,
  op: args.op,
  concurrency: args.concurrency,
  requests,
  errors,
  seconds: Math.round(seconds * 1000) / 1000,
})
// Exit explicitly: idle keep-alive sockets (fetch's and undici's pools, the addon's runtime) would otherwise keep
// the process alive for seconds after the work is done.
process.stdout.write(`${line}\n`, () => process.exit(0))
