'use strict'
// Hand-written glue (docs/contract.md §5) between the generated client classes (index.js) and the
// native addon: options, one call (JSON in and out), paging, and hiding secret fields. The call
// log's options are in logs.js.

const { PartnerCenterError, fromNative } = require('./errors.js')
const { nativeCredential } = require('./credentials.js')
const { bytesAsFiles } = require('./files.js')
const { callLog, emit } = require('./logs.js')

let nativeModule = null

/** The napi addon (lib/native.js: this platform's `.node` file, or a clear error), loaded on first use. */
function addon() {
  if (nativeModule === null) nativeModule = require('./native.js')
  return nativeModule
}

const STRING_OPTIONS = ['token', 'baseUrl', 'cloud', 'locale', 'application', 'correlationId', 'userAgent', 'caCert']
const KNOWN_OPTIONS = new Set([
  ...STRING_OPTIONS,
  'timeout',
  'maxRetries',
  'validate',
  'credential',
  'requestsPerMinute',
  'maxResponseBytes',
  'logger',
  'logLevel',
])

function configError(message) {
  return new PartnerCenterError({ kind: 'config', message })
}

/**
 * The native client for the public `ClientOptions` (`timeout` in milliseconds). Bad options throw
 * a `PartnerCenterError` with code `PC_CONFIG`; no message ever contains the token.
 */
function createNative(options) {
  const given = options ?? {}
  if (typeof given !== 'object') throw configError('options must be an object')
  const native = {}
  let credential = null
  for (const [name, value] of Object.entries(given)) {
    if (!KNOWN_OPTIONS.has(name)) throw configError(`unknown option ${JSON.stringify(name)}`)
    if (value === undefined || value === null) continue
    if (name === 'logger' || name === 'logLevel') {
      continue // below
    } else if (name === 'credential') {
      credential = nativeCredential(value)
    } else if (name === 'caCert' && Buffer.isBuffer(value)) {
      native.caCert = value.toString('utf8')
    } else if (STRING_OPTIONS.includes(name)) {
      if (typeof value !== 'string') throw configError(`option ${name} must be a string`)
      native[name] = value
    } else if (name === 'validate') {
      if (typeof value !== 'boolean') throw configError('option validate must be a boolean')
      native.validate = value
    } else {
      if (typeof value !== 'number') throw configError(`option ${name} must be a number`)
      native[name === 'timeout' ? 'timeoutMs' : name] = value
    }
  }
  if (credential !== null && native.token !== undefined) throw configError('give token or credential, not both')
  const log = callLog(given.logger, given.logLevel, configError)
  try {
    const { NativeClient } = addon()
    const client = credential === null ? new NativeClient(native) : NativeClient.withCredential(native, credential)
    if (log !== null) client.setLog(log.level, (event) => emit(log.logger, event))
    return client
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    throw configError(message.startsWith('config: ') ? message.slice('config: '.length) : message)
  }
}

function validationError(path, message) {
  return new PartnerCenterError({ kind: 'validation', message: `${path} ${message}`, errors: [{ path, message }] })
}

function optionalString(value, path) {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string') throw validationError(path, 'must be a string')
  return value
}

/** The call's arguments as the native client takes them; throws PC_VALIDATION on bad ones. */
function nativeArguments(params, body, options, continuationToken) {
  const opts = options ?? {}
  let paramsText
  let bodyText
  try {
    paramsText = JSON.stringify(params ?? {})
  } catch (err) {
    throw validationError('params', `cannot be sent as JSON: ${err.message}`)
  }
  try {
    bodyText = body === undefined ? null : JSON.stringify(body, bytesAsFiles)
  } catch (err) {
    throw validationError('body', `cannot be sent as JSON: ${err.message}`)
  }
  if (bodyText === undefined) throw validationError('body', 'cannot be sent as JSON')
  const requestId = optionalString(opts.requestId, 'requestId')
  let timeout = null
  if (opts.timeout !== undefined && opts.timeout !== null) {
    if (typeof opts.timeout !== 'number' || !Number.isFinite(opts.timeout) || opts.timeout <= 0) {
      throw validationError('timeout', 'must be a positive number of milliseconds')
    }
    timeout = opts.timeout
  }
  let headers = null
  if (opts.headers !== undefined && opts.headers !== null) {
    if (typeof opts.headers !== 'object') throw validationError('headers', 'must be an object of strings')
    headers = Object.entries(opts.headers)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => [k, String(v)])
  }
  const token = optionalString(continuationToken, 'continuationToken')
  return [paramsText, bodyText, requestId, timeout, headers, token]
}

/** Response headers as an object with lower-case names (repeated headers joined with ", "). */
function headerObject(pairs) {
  const out = {}
  for (const [name, value] of pairs) {
    const key = name.toLowerCase()
    out[key] = key in out ? `${out[key]}, ${value}` : value
  }
  return out
}

/** `options.signal`: null, or something that behaves as an `AbortSignal` (from any realm). */
function abortSignal(value) {
  if (value === undefined || value === null) return null
  if (
    typeof value !== 'object' ||
    typeof value.aborted !== 'boolean' ||
    typeof value.addEventListener !== 'function' ||
    typeof value.removeEventListener !== 'function'
  ) {
    throw validationError('signal', 'must be an AbortSignal')
  }
  return value
}

/** Per signal: the native handles of its calls in flight, and its one `abort` listener. */
const watched = new WeakMap()

/**
 * Stops `stop` (a `NativeAbort`) when `signal` aborts; returns the function that forgets it when
 * the call ends. A signal shared by many calls in flight gets one listener in all (no
 * MaxListenersExceededWarning at 11), removed when its last call ends.
 */
function watch(signal, stop) {
  let entry = watched.get(signal)
  if (entry === undefined) {
    const stops = new Set()
    const onAbort = () => {
      watched.delete(signal)
      for (const s of stops) s.abort()
    }
    entry = { stops, onAbort }
    watched.set(signal, entry)
    signal.addEventListener('abort', onAbort, { once: true })
  }
  entry.stops.add(stop)
  return () => {
    entry.stops.delete(stop)
    if (entry.stops.size === 0) {
      signal.removeEventListener('abort', entry.onAbort)
      if (watched.get(signal) === entry) watched.delete(signal)
    }
  }
}

/**
 * The error of a call its `signal` stopped: a `PartnerCenterError` named `AbortError` (code
 * `PC_ABORTED`, kind `aborted`), the signal's `reason` as its `cause`, like `fetch`'s AbortError.
 */
function abortError(signal, nativeError) {
  const reason = signal.reason
  let message = 'the call was aborted'
  if (reason instanceof Error || (reason !== null && typeof reason === 'object' && typeof reason.message === 'string')) {
    if (reason.name !== 'AbortError' && reason.message) message += `: ${reason.message}`
  } else if (reason !== undefined) {
    message += `: ${String(reason)}`
  }
  const error = new PartnerCenterError({
    kind: 'aborted',
    message,
    cause: reason,
    correlationId: nativeError?.correlationId,
  })
  Error.captureStackTrace?.(error, call)
  return error
}

/**
 * Runs one operation: params (wire names) and body go to the Rust client as JSON, the answer comes
 * back parsed. Rejects with `PartnerCenterError` (PC_VALIDATION before any request for bad input).
 * `options.signal` (an `AbortSignal`) stops it: already aborted, nothing is sent; aborted during the
 * call, the Rust future is dropped (its connection closed, no retry) and the call rejects with an
 * `AbortError` (see `abortError`). Nothing is left listening to the signal once the call ends.
 */
async function call(native, operation, params, body, options, continuationToken) {
  let outcome
  let signal = null
  let unwatch = null
  try {
    signal = abortSignal(options?.signal)
    if (signal?.aborted) throw abortError(signal)
    const args = nativeArguments(params, body, options, continuationToken)
    let stop = null
    if (signal !== null) {
      stop = new (addon().NativeAbort)()
      unwatch = watch(signal, stop)
    }
    outcome = await native.call(operation, ...args, stop)
  } catch (err) {
    if (signal !== null && err !== null && typeof err === 'object' && err.kind === 'aborted') {
      throw err instanceof PartnerCenterError ? err : abortError(signal, err)
    }
    throw fromNative(err)
  } finally {
    if (unwatch !== null) unwatch()
  }
  let data = null
  if (outcome.body !== '') {
    try {
      data = JSON.parse(outcome.body)
    } catch (err) {
      throw new PartnerCenterError({
        kind: 'decode',
        message: `the answer is not JSON: ${err.message}`,
        status: outcome.status,
        requestId: outcome.requestId,
        body: outcome.body.slice(0, 1024),
      })
    }
  }
  return { status: outcome.status, headers: headerObject(outcome.headers), requestId: outcome.requestId, data }
}

/**
 * Every item of every page: `fetch(null)` is the first page, `fetch(token)` the next. Ends after a
 * page without a continuation token; a token seen twice rejects with PC_DECODE (no endless loop).
 * Each `for await` starts again from the first page.
 */
function pages(fetch) {
  return {
    async *[Symbol.asyncIterator]() {
      const seen = new Set()
      let token = null
      for (;;) {
        const page = await fetch(token)
        yield* page.items
        token = page.continuationToken || null
        if (token === null) return
        if (seen.has(token)) {
          throw new PartnerCenterError({
            kind: 'decode',
            message: 'the service returned a continuation token twice; stopping',
            status: page.status,
            requestId: page.requestId,
          })
        }
        seen.add(token)
      }
    },
  }
}

/** `"items[].userCredentials.password"` → `["items", "[]", "userCredentials", "password"]`. */
function parsePath(path) {
  const out = []
  for (const part of path.split('.')) {
    let name = part
    let arrays = 0
    while (name.endsWith('[]')) {
      name = name.slice(0, -2)
      arrays += 1
    }
    if (name !== '') out.push(name)
    for (let i = 0; i < arrays; i++) out.push('[]')
  }
  return out
}

function hideAt(value, segments, i) {
  if (value === null || typeof value !== 'object') return
  const segment = segments[i]
  if (segment === '[]') {
    if (Array.isArray(value)) for (const item of value) hideAt(item, segments, i + 1)
    return
  }
  if (Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, segment)) return
  if (i === segments.length - 1) {
    Object.defineProperty(value, segment, {
      value: value[segment],
      enumerable: false,
      writable: true,
      configurable: true,
    })
  } else {
    hideAt(value[segment], segments, i + 1)
  }
}

/**
 * Makes the secret fields at `paths` (`"userCredentials.password"`, `"items[].x"`, `"[].x"`)
 * non-enumerable: still readable as `.password`, but absent from console.log, util.inspect,
 * JSON.stringify, Object.keys and spreads.
 */
function hideSecrets(value, paths) {
  for (const path of paths) {
    const segments = parsePath(path)
    if (segments.length > 0) hideAt(value, segments, 0)
  }
}

module.exports = { call, createNative, hideSecrets, pages }
