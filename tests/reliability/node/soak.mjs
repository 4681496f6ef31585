// Node runner of the soak (the flags and the JSON line are the contract in tests/reliability/README.md).
//
//   node tests/reliability/node/soak.mjs --base-url URL --token T --prefix P \
//     [--creates N] [--concurrency C] [--timeout-seconds S] [--call-deadline-seconds D] \
//     [--max-retries R] [--max-replays M] [--replay-id same|fresh] [--ids-out FILE]
//
// `--creates` logical creates (`POST /v1/customers` through the package's `Client`), each with its
// own domain and its own request id, run by `--concurrency` promise loops sharing one client. A
// create that still fails after the client's own retries with a transient error (transport,
// timeout, 429, 5xx) is replayed with the same request id (`--replay-id fresh`: a new one, to show
// why not), at most `--max-replays` times. Every client call races a deadline: one that has not
// settled by then is aborted (its `signal`), counts as hung and is replayed like a transient
// failure, so a hang shows in the numbers instead of stopping the run. stdout carries nothing but
// the result line.

import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'

import { Client, PartnerCenterError } from '../../../bindings/node/index.mjs'
import { newCustomer } from '../../tools/create-body.mjs'
import { readFlags } from '../../tools/flags.mjs'

const USAGE =
  'usage: soak.mjs --base-url URL --token T --prefix P [--creates N] [--concurrency C] ' +
  '[--timeout-seconds S] [--call-deadline-seconds D] [--max-retries R] [--max-replays M] ' +
  '[--replay-id same|fresh] [--ids-out FILE]'

// What a replay may fix: the failures the client itself retries.
const TRANSIENT = new Set(['transport', 'timeout', 'throttled', 'server'])

function parseFlags() {
  const { values, usage } = readFlags(
    USAGE,
    {
      'base-url': { type: 'string' },
      token: { type: 'string' },
      prefix: { type: 'string' },
      creates: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '32' },
      'timeout-seconds': { type: 'string', default: '10' },
      'call-deadline-seconds': { type: 'string', default: '60' },
      'max-retries': { type: 'string', default: '2' },
      'max-replays': { type: 'string', default: '20' },
      'replay-id': { type: 'string', default: 'same' },
      'ids-out': { type: 'string' },
    },
    ['base-url', 'token', 'prefix'],
  )
  const count = (flag, min) => {
    const n = Number(values[flag])
    if (!Number.isInteger(n) || n < min) usage(`bad --${flag} ${values[flag]}`)
    return n
  }
  const seconds = (flag) => {
    const s = Number(values[flag])
    if (!(s > 0) || !Number.isFinite(s)) usage(`bad --${flag} ${values[flag]}`)
    return s
  }
  if (!['same', 'fresh'].includes(values['replay-id'])) usage(`bad --replay-id ${values['replay-id']}`)
  return {
    baseUrl: values['base-url'].replace(/\/+$/, ''),
    token: values.token,
    prefix: values.prefix,
    creates: count('creates', 0),
    concurrency: count('concurrency', 1),
    timeoutSeconds: seconds('timeout-seconds'),
    callDeadlineSeconds: seconds('call-deadline-seconds'),
    maxRetries: count('max-retries', 0),
    maxReplays: count('max-replays', 0),
    freshReplayId: values['replay-id'] === 'fresh',
    idsOut: values['ids-out'],
  }
}

const HUNG = Symbol('hung')

/**
 * `start(signal)`'s outcome, or HUNG when it has not settled within `ms`. At the deadline the call
 * is aborted through its signal (its connection closed, no further retry) and HUNG returned at
 * once, whether or not the abort takes: a call that ignored it would still not stop the run.
 */
async function withDeadline(start, ms) {
  const controller = new AbortController()
  let timer
  const deadline = new Promise((resolve) => {
    timer = setTimeout(() => {
      controller.abort()
      resolve(HUNG)
    }, ms)
  })
  const call = start(controller.signal)
  call.catch(() => {}) // after the deadline it rejects with an AbortError that nobody awaits
  try {
    return await Promise.race([call, deadline])
  } finally {
    clearTimeout(timer)
  }
}

const args = parseFlags()
const tally = {
  calls: 0,
  replays: 0,
  succeeded: 0,
  failed: 0,
  hung: 0,
  maxCallSeconds: 0,
  errors: {}, // client calls that failed (after the client's own retries), by kind
  ids: {}, // domain -> customer id of every logical create that succeeded
}

function recordError(kind, message) {
  if (!tally.errors[kind]) {
    tally.errors[kind] = 0
    console.error(`first ${kind} error: ${message}`)
  }
  tally.errors[kind] += 1
}

/** One logical create: the first call, then replays while it fails transiently. */
async function logicalCreate(client, n) {
  const domain = `${args.prefix}-${n}.onmicrosoft.com`
  const body = newCustomer(domain, 'Contoso Soak')
  let requestId = randomUUID()
  let replay = 0
  for (;;) {
    tally.calls += 1
    const started = performance.now()
    let retry
    try {
      const customer = await withDeadline(
        (signal) => client.customers.create(body, { requestId, signal }),
        args.callDeadlineSeconds * 1000,
      )
      if (customer === HUNG) {
        tally.hung += 1
        recordError('hung', `${domain}: no answer within ${args.callDeadlineSeconds} s`)
        retry = true
      } else {
        tally.ids[domain] = String(customer.id)
        tally.succeeded += 1
        return
      }
    } catch (err) {
      const kind = err instanceof PartnerCenterError ? err.kind : 'other'
      recordError(kind, err?.message ?? String(err))
      retry = TRANSIENT.has(kind)
    } finally {
      tally.maxCallSeconds = Math.max(tally.maxCallSeconds, (performance.now() - started) / 1000)
    }
    if (!retry || replay >= args.maxReplays) {
      tally.failed += 1
      return
    }
    replay += 1
    tally.replays += 1
    if (args.freshReplayId) requestId = randomUUID()
    // A short pause that grows with the replays, on top of the client's own backoff.
    await sleep(200 * Math.min(replay, 10))
  }
}

const client = new Client({
  token: args.token,
  baseUrl: args.baseUrl,
  timeout: args.timeoutSeconds * 1000,
  maxRetries: args.maxRetries,
})
let next = 0
async function worker() {
  while (next < args.creates) {
    const n = next++
    await logicalCreate(client, n)
  }
}

const started = performance.now()
await Promise.all(Array.from({ length: args.concurrency }, worker))
const seconds = (performance.now() - started) / 1000

if (args.idsOut) writeFileSync(args.idsOut, JSON.stringify(tally.ids))
const errors = Object.fromEntries(Object.entries(tally.errors).sort(([a], [b]) => a.localeCompare(b)))
process.stdout.write(
  `${JSON.stringify({
    language: 'node',
    creates: args.creates,
    concurrency: args.concurrency,
    calls: tally.calls,
    replays: tally.replays,
    succeeded: tally.succeeded,
    failed: tally.failed,
    hung: tally.hung,
    errors,
    max_call_seconds: Math.round(tally.maxCallSeconds * 1e6) / 1e6,
    seconds: Math.round(seconds * 1e6) / 1e6,
  })}\n`,
  // A hung call may still hold the native side: exit once the line is out rather than wait for it.
  () => process.exit(0),
)
