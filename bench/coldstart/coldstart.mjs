// Cold start, Node: a fresh process that imports a client, builds it and makes one `get`.
//
//   node bench/coldstart/coldstart.mjs --client ours|fetch --base-url URL --token T --customer-id UUID
//
// ours: the package (bindings/node/index.mjs); fetch: the hand-written peer on the built-in fetch
// (bench/node/peers.mjs), the same one the load cells run. bench/run.py times the whole process
// from the outside (spawn to exit) and reads its peak RSS; the JSON line this prints splits the
// time inside the process, in ms since the process started: {"client", "import_ms", "build_ms",
// "get_ms", "exit_ms"}. The process exits when the event loop is empty, as a short-lived script
// does: a client that kept it alive (an idle socket, a runtime thread) would show in the wall time.

import { performance } from 'node:perf_hooks'

import { readFlags } from '../../tests/tools/flags.mjs'

const { values, usage } = readFlags(
  'usage: coldstart.mjs --client ours|fetch --base-url URL --token T --customer-id UUID',
  {
    client: { type: 'string' },
    'base-url': { type: 'string' },
    token: { type: 'string' },
    'customer-id': { type: 'string' },
  },
  ['client', 'base-url', 'token', 'customer-id'],
)
const { token, 'customer-id': customerId } = values
const baseUrl = values['base-url']

let imported, built, got
if (values.client === 'ours') {
  const { Client } = await import('../../bindings/node/index.mjs')
  imported = performance.now()
  const client = new Client({ token, baseUrl })
  built = performance.now()
  await client.customers.get(customerId)
  got = performance.now()
} else if (values.client === 'fetch') {
  const { FetchClient } = await import('../node/peers.mjs')
  imported = performance.now()
  const client = new FetchClient({ token, baseUrl })
  built = performance.now()
  await client.getCustomer(customerId)
  got = performance.now()
} else {
  usage(`unknown client ${JSON.stringify(values.client)}`)
}

const ms = (t) => Math.round(t * 10) / 10
process.on('exit', () => {
  const line = {
    client: values.client,
    import_ms: ms(imported),
    build_ms: ms(built),
    get_ms: ms(got),
    exit_ms: ms(performance.now()),
  }
  process.stdout.write(`${JSON.stringify(line)}\n`)
})
