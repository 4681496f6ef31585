// The language-neutral scenarios of tests/scenarios (format: tests/scenarios/README.md), run through
// the Node package against the emulator over real HTTP.
//
// An operation id is mapped to a client method from the spec alone: the first tag names the
// resource (`countryValidationRules`), `x-pc-method` the method (`getBilling`); the required
// parameters (path, then required query and header ones, in the spec's order, as the generator
// emits them) are positional, then the body, then one options object with the other query and
// header parameters in camelCase and the per-call options. Single calls go through `...WithResponse` (the
// paged operation through `<method>Page`, or its `for await` pager for `pages: all`), so a method
// the spec promises but the package lacks fails the scenario. The Rust and Python runners follow the
// same rules.

import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'

import { load as parseYaml } from 'js-yaml'
import {
  Client,
  ClientSecretCredential,
  PartnerCenterError,
  RefreshTokenCredential,
} from 'partner-center'


import { Emulator, ROOT, TOKEN } from './helpers.mjs'

const SCENARIOS = join(ROOT, 'tests', 'scenarios')
const SPEC = join(ROOT, 'spec', 'partner-center-customers.yaml')

const FILE_KEYS = ['scenarios']
const SCENARIO_KEYS = ['name', 'about', 'client', 'signIn', 'steps']
const SIGN_IN_KEYS = ['credential', 'app', 'user']
const USER_KEYS = ['mfa']
const SIGN_IN_TENANT = 'scenarios.onmicrosoft.com'
const CLIENT_KEYS = ['maxRetries', 'timeout', 'validate']
const CALL_KEYS = ['call', 'params', 'body', 'requestId', 'timeout', 'repeat', 'pages', 'save', 'expect']
const EXPECT_KEYS = ['status', 'body', 'headers', 'error']
const ERROR_KEYS = ['kind', 'status', 'code', 'retryAfter', 'paths']
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']

/** A step did not have the outcome its scenario expects (or the scenario itself is malformed). */
class ScenarioFailure extends Error {
  name = 'ScenarioFailure'
}

// ---- names and the operation table ---------------------------------------------------------------

/**
 * Lower camel case as the generator spells it (heck's rules): words split at non-alphanumerics and
 * case changes, `MS-ContinuationToken` → `msContinuationToken`, `get_billing` → `getBilling`.
 */
function camel(name) {
  const words = name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g) ?? []
  return words
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase()))
    .join('')
}

/** operationId → how to call it through the package, read from the spec. */
function loadOperations() {
  const spec = parseYaml(readFileSync(SPEC, 'utf8'))
  // The client fills these headers itself; operations list them but do not take them as arguments.
  const clientHeaders = new Set(Object.values(spec['x-pc-client-headers'] ?? {}).map((h) => h.toLowerCase()))
  const shared = spec.components?.parameters ?? {}
  const resolve = (p) => (p.$ref ? shared[p.$ref.split('/').at(-1)] : p)

  const operations = new Map()
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const verb of HTTP_METHODS) {
      const op = item[verb]
      if (!op) continue
      // Path-level parameters first; an operation's own parameter of the same name and place
      // replaces it and takes its place at the end (the generator's order).
      const params = []
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])].map(resolve)) {
        const same = params.findIndex((q) => q.name === p.name && q.in === p.in)
        if (same !== -1) params.splice(same, 1)
        params.push(p)
      }
      const paging = op['x-pc-paging'] ?? null
      const positional = []
      const options = new Map()
      for (const p of params) {
        if (p.in === 'path') {
          positional.push(p.name)
          continue
        }
        if ((p.in !== 'query' && p.in !== 'header') || clientHeaders.has(p.name.toLowerCase())) continue
        // The pager carries the continuation token header as its `continuationToken` option.
        const isToken = paging && p.name.toLowerCase() === String(paging.tokenHeader).toLowerCase()
        // Other required query and header parameters are positional, like path parameters.
        if (p.required === true && !isToken) positional.push(p.name)
        else options.set(p.name, isToken ? 'continuationToken' : camel(p.name))
      }
      operations.set(op.operationId, {
        id: op.operationId,
        resource: camel(op.tags[0]),
        method: camel(op['x-pc-method'] ?? op.operationId),
        positional,
        options,
        hasBody: op.requestBody !== undefined,
        paged: paging !== null,
      })
    }
  }
  return operations
}

// ---- scenario files --------------------------------------------------------------------------------

/** Every scenario of every file, in file then listing order; a file that cannot be read is one failing entry. */
function loadScenarios() {
  const found = []
  const files = readdirSync(SCENARIOS)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
  for (const file of files) {
    try {
      const doc = parseYaml(readFileSync(join(SCENARIOS, file), 'utf8'))
      checkKeys('the file', doc, FILE_KEYS)
      if (!Array.isArray(doc.scenarios)) throw new ScenarioFailure('`scenarios` must be a list')
      for (const scenario of doc.scenarios) found.push({ file, scenario })
    } catch (err) {
      found.push({ file, scenario: null, loadError: err.message })
    }
  }
  return found
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function checkKeys(what, given, allowed) {
  if (!isObject(given)) throw new ScenarioFailure(`${what} must be a mapping, got ${show(given)}`)
  const unknown = Object.keys(given).filter((k) => !allowed.includes(k))
  if (unknown.length > 0) {
    throw new ScenarioFailure(`${what}: unknown ${unknown.length === 1 ? 'key' : 'keys'} ${unknown.join(', ')}`)
  }
}

// ---- values: substitution, wire form, matching, dotted paths ---------------------------------------

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g
const WHOLE_VARIABLE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/

function lookup(name, vars) {
  if (!Object.hasOwn(vars, name)) throw new ScenarioFailure(`\${${name}} is not a saved variable`)
  return vars[name]
}

/** `value` with every `${name}` replaced: a whole-string reference keeps the saved value's type. */
function substitute(value, vars) {
  if (typeof value === 'string') {
    const whole = WHOLE_VARIABLE.exec(value)
    if (whole) return structuredClone(lookup(whole[1], vars))
    return value.replace(VARIABLE, (_, name) => {
      const saved = lookup(name, vars)
      return typeof saved === 'object' && saved !== null ? JSON.stringify(saved) : String(saved)
    })
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars))
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)]))
  return value
}

/**
 * A plain copy of a result in wire form. The package hides secrets (the admin password) as
 * non-enumerable properties; the wire form has them, so `save` and `expect` can reach
 * `userCredentials.password`.
 */
function wireForm(value) {
  if (Array.isArray(value)) return value.map(wireForm)
  if (value === null || typeof value !== 'object') return value === undefined ? null : value
  const out = {}
  for (const key of Object.getOwnPropertyNames(value)) {
    if (value[key] !== undefined) out[key] = wireForm(value[key])
  }
  return out
}

/** JSON for a message, cut short so one huge result does not bury the point. */
function show(value) {
  const text = value === undefined ? 'nothing' : JSON.stringify(value)
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
}

/** Where `actual` differs from `expected` (objects match on the listed members only), or null. */
function mismatch(expected, actual, where) {
  if (isObject(expected)) {
    if (!isObject(actual)) return `${where}: expected an object, got ${show(actual)}`
    for (const [key, want] of Object.entries(expected)) {
      // An expected null also matches an absent member: the clients leave unset members out.
      if (!Object.hasOwn(actual, key)) {
        if (want === null) continue
        return `${where}.${key}: missing (expected ${show(want)})`
      }
      const found = mismatch(want, actual[key], `${where}.${key}`)
      if (found) return found
    }
    return null
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${where}: expected a list, got ${show(actual)}`
    if (actual.length !== expected.length) {
      return `${where}: expected ${expected.length} elements, got ${actual.length}: ${show(actual)}`
    }
    for (let i = 0; i < expected.length; i++) {
      const found = mismatch(expected[i], actual[i], `${where}[${i}]`)
      if (found) return found
    }
    return null
  }
  return expected === actual ? null : `${where}: expected ${show(expected)}, got ${show(actual)}`
}

const DOTTED_PATH = /^(?:[^.[\]]+|\[\d+\])(?:\.[^.[\]]+|\[\d+\])*$/

/** The value at a dotted path with `[n]` indices (`items[0].id`) in a wire-form result. */
function atPath(value, path) {
  if (typeof path !== 'string' || !DOTTED_PATH.test(path)) {
    throw new ScenarioFailure(`save: ${show(path)} is not a dotted path`)
  }
  let current = value
  for (const [part] of path.matchAll(/[^.[\]]+|\[\d+\]/g)) {
    if (part.startsWith('[')) {
      const index = Number(part.slice(1, -1))
      if (!Array.isArray(current) || index >= current.length) {
        throw new ScenarioFailure(`save: the result has no ${path} (no element ${part})`)
      }
      current = current[index]
    } else {
      if (!isObject(current) || !Object.hasOwn(current, part)) {
        throw new ScenarioFailure(`save: the result has no ${path} (no member ${part})`)
      }
      current = current[part]
    }
  }
  return current
}

// ---- running a scenario ------------------------------------------------------------------------------

const OPERATIONS = loadOperations()

/** Seconds in the YAML, milliseconds for the Node client. */
function milliseconds(seconds, what) {
  if (typeof seconds !== 'number' || !(seconds > 0)) {
    throw new ScenarioFailure(`${what} must be a positive number of seconds, got ${show(seconds)}`)
  }
  return Math.max(1, Math.round(seconds * 1000))
}

/**
 * The scenario's `signIn` as client options: the app (and for a refresh token the user's stored
 * sign-in) is set up through the emulator's admin API, and the credential signs in at the emulator.
 */
async function signIn(emulator, signIn) {
  if (signIn === undefined) return { token: TOKEN }
  checkKeys('signIn', signIn, SIGN_IN_KEYS)
  const app = signIn.app
  if (!isObject(app) || typeof app.clientId !== 'string' || typeof app.clientSecret !== 'string') {
    throw new ScenarioFailure(`signIn.app must be a mapping with clientId and clientSecret, got ${show(app)}`)
  }
  await emulator.admin('POST', '/_sandbox/auth/apps', app)
  const common = { tenantId: SIGN_IN_TENANT, clientId: app.clientId, clientSecret: app.clientSecret, authorityHost: emulator.url }
  if (signIn.credential === 'clientSecret') return { credential: new ClientSecretCredential(common) }
  if (signIn.credential === 'refreshToken') {
    checkKeys('signIn.user', signIn.user, USER_KEYS)
    if (typeof signIn.user.mfa !== 'boolean') throw new ScenarioFailure('signIn.user.mfa must be true or false')
    const { refreshToken } = await emulator.admin('POST', '/_sandbox/auth/refresh-tokens', {
      clientId: app.clientId,
      userPrincipalName: 'admin@scenarios.example',
      mfa: signIn.user.mfa,
    })
    return { credential: new RefreshTokenCredential({ ...common, refreshToken }) }
  }
  throw new ScenarioFailure(`signIn.credential must be clientSecret or refreshToken, got ${show(signIn.credential)}`)
}

function newClient(emulator, options, auth) {
  checkKeys('client', options, CLIENT_KEYS)
  const config = { ...auth, baseUrl: emulator.url }
  if (options.maxRetries !== undefined) config.maxRetries = options.maxRetries
  if (options.timeout !== undefined) config.timeout = milliseconds(options.timeout, 'client.timeout')
  if (options.validate !== undefined) config.validate = options.validate
  try {
    return new Client(config)
  } catch (err) {
    throw new ScenarioFailure(`client: ${err.message}`)
  }
}

function describeStep(step) {
  if (!isObject(step)) return 'not a mapping'
  if ('call' in step) return String(step.call)
  if ('faults' in step) return 'faults'
  if ('sleep' in step) return 'sleep'
  if ('emulator' in step) return 'emulator'
  return Object.keys(step).join(', ') || 'empty'
}

async function runScenario(emulator, scenario) {
  checkKeys('the scenario', scenario, SCENARIO_KEYS)
  if (!Array.isArray(scenario.steps) || scenario.steps.length === 0) {
    throw new ScenarioFailure('`steps` must be a non-empty list')
  }
  await emulator.reset()
  const client = newClient(emulator, scenario.client ?? {}, await signIn(emulator, scenario.signIn))
  const vars = {}
  for (const [index, step] of scenario.steps.entries()) {
    try {
      await runStep(emulator, client, step, vars)
    } catch (err) {
      const detail = err instanceof ScenarioFailure ? err.message : `${err.name}: ${err.message}`
      throw new ScenarioFailure(`step ${index + 1} (${describeStep(step)}): ${detail}`, { cause: err })
    }
  }
}

async function runStep(emulator, client, step, vars) {
  if (isObject(step) && 'faults' in step) {
    checkKeys('a faults step', step, ['faults'])
    await emulator.faults(substitute(step.faults, vars))
  } else if (isObject(step) && 'sleep' in step) {
    checkKeys('a sleep step', step, ['sleep'])
    await new Promise((r) => setTimeout(r, milliseconds(step.sleep, 'sleep')))
  } else if (isObject(step) && 'emulator' in step) {
    checkKeys('an emulator step', step, ['emulator'])
    const want = substitute(step.emulator, vars)
    if (!isObject(want)) throw new ScenarioFailure(`emulator: expected a mapping, got ${show(want)}`)
    const found = mismatch(want, await emulator.health(), 'emulator')
    if (found) throw new ScenarioFailure(found)
  } else if (isObject(step) && 'call' in step) {
    checkKeys('a call step', step, CALL_KEYS)
    const times = step.repeat ?? 1
    if (!Number.isInteger(times) || times < 1) {
      throw new ScenarioFailure(`repeat must be a positive whole number, got ${show(times)}`)
    }
    for (let i = 1; i <= times; i++) {
      // `${i}` exists only inside the repeated step; saves still go to the scenario's variables.
      const scope = 'repeat' in step ? { ...vars, i } : vars
      try {
        await runCall(client, step, scope, vars)
      } catch (err) {
        if ('repeat' in step && err instanceof ScenarioFailure) err.message = `repetition ${i}: ${err.message}`
        throw err
      }
    }
  } else {
    throw new ScenarioFailure(`a step needs one of call, faults, sleep or emulator, got ${show(step)}`)
  }
}

async function runCall(client, step, scope, vars) {
  const op = OPERATIONS.get(step.call)
  if (op === undefined) throw new ScenarioFailure(`${show(step.call)} is not an operationId of the spec`)
  const expect = substitute(step.expect ?? {}, scope)
  checkKeys('expect', expect, EXPECT_KEYS)
  if ('error' in expect) {
    checkKeys('expect.error', expect.error, ERROR_KEYS)
    const extra = ['status', 'body', 'headers'].filter((k) => k in expect)
    if (extra.length > 0) throw new ScenarioFailure(`expect.error cannot be combined with ${extra.join(', ')}`)
    if (step.save !== undefined) throw new ScenarioFailure('a call expected to fail has nothing to save')
  }
  if (step.save !== undefined && !isObject(step.save)) {
    throw new ScenarioFailure(`save must be a mapping of variable to path, got ${show(step.save)}`)
  }
  if (step.pages !== undefined) {
    if (step.pages !== 'all') throw new ScenarioFailure(`pages must be "all", got ${show(step.pages)}`)
    if (!op.paged) throw new ScenarioFailure(`pages: all is for paged operations only; ${op.id} is not one`)
    // The pager hides each page's status and headers: there is no single one to check.
    const extra = ['status', 'headers'].filter((k) => k in expect)
    if (extra.length > 0) throw new ScenarioFailure(`pages: all cannot be combined with expect ${extra.join(', ')}`)
  }

  const args = callArguments(op, step, scope)
  let result
  try {
    result = await invoke(client, op, step.pages === 'all', args)
  } catch (err) {
    if (err instanceof ScenarioFailure) throw err
    if (!(err instanceof PartnerCenterError)) throw new ScenarioFailure(`the call threw ${err.name}: ${err.message}`)
    checkError(expect.error, err)
    return
  }
  if ('error' in expect) {
    const kind = expect.error.kind === undefined ? 'an error' : `a ${expect.error.kind} error`
    const status = result.status === null ? '' : ` with status ${result.status}`
    throw new ScenarioFailure(`expected ${kind}, the call succeeded${status}`)
  }
  const checks = [
    ['status', result.status],
    ['headers', result.headers],
    ['body', result.body],
  ]
  for (const [what, actual] of checks) {
    if (!(what in expect)) continue
    let want = expect[what]
    // Header values are text: an unquoted YAML number or boolean means its spelling.
    if (what === 'headers' && isObject(want)) {
      want = Object.fromEntries(
        Object.entries(want).map(([k, v]) => [k.toLowerCase(), v === null || typeof v === 'object' ? v : String(v)]),
      )
    }
    const found = mismatch(want, actual, what)
    if (found) throw new ScenarioFailure(found)
  }
  for (const [name, path] of Object.entries(step.save ?? {})) vars[name] = atPath(result.body, path)
}

/** The method's positional arguments: the required parameters in the spec's order, the body, then the options object. */
function callArguments(op, step, scope) {
  const params = substitute(step.params ?? {}, scope)
  if (!isObject(params)) throw new ScenarioFailure(`params must be a mapping, got ${show(params)}`)
  const unknown = Object.keys(params).filter((k) => !op.positional.includes(k) && !op.options.has(k))
  if (unknown.length > 0) throw new ScenarioFailure(`${op.id} has no parameter ${unknown.join(', ')}`)
  const missing = op.positional.filter((k) => !(k in params))
  if (missing.length > 0) throw new ScenarioFailure(`${op.id} needs the parameter ${missing.join(', ')}`)
  if ('body' in step && !op.hasBody) throw new ScenarioFailure(`${op.id} takes no body`)

  const options = {}
  for (const [wire, name] of op.options) if (wire in params) options[name] = params[wire]
  if ('requestId' in step) options.requestId = substitute(step.requestId, scope)
  if ('timeout' in step) options.timeout = milliseconds(step.timeout, 'timeout')

  const args = op.positional.map((k) => params[k])
  if (op.hasBody) args.push(substitute(step.body, scope))
  args.push(options)
  return args
}

/** The client method of `name`, or a failure saying the package lacks what the spec promises. */
function method(client, op, name) {
  const resource = client[op.resource]
  if (resource === null || typeof resource !== 'object') {
    throw new ScenarioFailure(`the client has no resource ${op.resource} (for ${op.id})`)
  }
  if (typeof resource[name] !== 'function') {
    throw new ScenarioFailure(`the client has no method ${op.resource}.${name} (for ${op.id})`)
  }
  return resource[name].bind(resource)
}

/** Runs one call; resolves `{status, headers, body}` with the body in wire form. */
async function invoke(client, op, allPages, args) {
  if (allPages) {
    const items = []
    for await (const item of method(client, op, op.method)(...args)) items.push(wireForm(item))
    return { status: null, headers: null, body: { count: items.length, items } }
  }
  if (op.paged) {
    const page = await method(client, op, `${op.method}Page`)(...args)
    const body = {
      items: wireForm(page.items),
      continuationToken: page.continuationToken,
      totalCount: page.totalCount,
    }
    return { status: page.status, headers: page.headers, body }
  }
  const response = await method(client, op, `${op.method}WithResponse`)(...args)
  return { status: response.status, headers: response.headers, body: wireForm(response.data) }
}

function checkError(want, err) {
  const summary = `${err.kind}: ${err.message}`
  if (want === undefined) throw new ScenarioFailure(`the call failed (${summary})`)
  const actual = { kind: err.kind, status: err.status, code: err.partnerCenterCode, retryAfter: err.retryAfter }
  for (const key of ['kind', 'status', 'code', 'retryAfter']) {
    if (!(key in want)) continue
    // The Partner Center code is a string on both sides; an unquoted YAML number means the same code.
    const expected = key === 'code' && typeof want.code === 'number' ? String(want.code) : want[key]
    if (expected !== actual[key]) {
      throw new ScenarioFailure(`error.${key}: expected ${show(expected)}, got ${show(actual[key])} (${summary})`)
    }
  }
  if ('paths' in want) {
    if (!Array.isArray(want.paths)) throw new ScenarioFailure(`error.paths must be a list, got ${show(want.paths)}`)
    const paths = err.errors.map((e) => e.path)
    for (const path of want.paths) {
      if (!paths.includes(path)) {
        throw new ScenarioFailure(`error.paths: ${show(path)} is not among ${show(paths)} (${summary})`)
      }
    }
  }
}

// ---- the tests -----------------------------------------------------------------------------------------

const ALL = loadScenarios()
const results = []
let emulator
let startedEmulator = false

before(async () => {
  if (process.env.PC_SANDBOX_URL) {
    // An emulator someone else runs: only its admin endpoints are used, never its process.
    emulator = new Emulator()
    emulator.url = process.env.PC_SANDBOX_URL.replace(/\/+$/, '')
  } else {
    emulator = await Emulator.start('--quota', '100000')
    startedEmulator = true
  }
})

after(async () => {
  if (startedEmulator) await emulator.stop()
  const passed = results.filter((r) => r.passed).length
  console.log(`scenarios: ${results.length} run, ${passed} passed`)
  if (process.env.SCENARIO_REPORT) {
    writeFileSync(process.env.SCENARIO_REPORT, JSON.stringify({ language: 'node', results }, null, 2) + '\n')
  }
})

if (ALL.length === 0) {
  test('scenarios exist', () => {
    throw new Error(`no scenarios in ${SCENARIOS}`)
  })
}

const seen = new Set()
for (const { file, scenario, loadError } of ALL) {
  const name = isObject(scenario) && typeof scenario.name === 'string' ? scenario.name : null
  const title = `${file}: ${name ?? '(unnamed scenario)'}`
  const duplicate = name !== null && seen.has(name)
  if (name !== null) seen.add(name)

  // Scenarios share the one emulator, so they run one after another (node:test's default here).
  test(title, { timeout: 120_000 }, async () => {
    let error = null
    try {
      if (loadError !== undefined) throw new ScenarioFailure(`cannot read the file: ${loadError}`)
      if (name === null) throw new ScenarioFailure('a scenario needs a name')
      if (duplicate) throw new ScenarioFailure('the name is used by another scenario (names are unique across files)')
      await runScenario(emulator, scenario)
    } catch (err) {
      error = err instanceof ScenarioFailure ? err.message : `${err.name}: ${err.message}`
    }
    results.push({ file, name: name ?? '(unnamed scenario)', passed: error === null, error })
    if (error !== null) throw new ScenarioFailure(`${file}: ${name ?? '(unnamed scenario)'}: ${error}`)
  })
}
