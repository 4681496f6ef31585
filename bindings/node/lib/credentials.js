'use strict'
// Hand-written glue: the credentials `new Client({ credential })` signs in with. Each class is a thin
// wrapper over one of the Rust runtime's credentials (the native `NativeCredential`): the token
// requests, the token cache and its refresh policy run in Rust. Secrets (client secrets, certificate
// keys and passwords, refresh tokens, access tokens, device codes) go to Rust once and are never kept
// on these objects, so util.inspect, JSON.stringify and String() cannot show them.

const { PartnerCenterError } = require('./errors.js')

let nativeModule = null

/** The napi addon, loaded on first use. */
function addon() {
  if (nativeModule === null) nativeModule = require('../native.js')
  return nativeModule
}

// The native credential is kept under a symbol: never enumerable, never printed.
const NATIVE = Symbol('partner-center.credential')

function configError(message, cause) {
  return new PartnerCenterError({ kind: 'config', message, cause })
}

/** Runs a native factory; its `config: …` errors become PC_CONFIG. */
function build(factory) {
  try {
    return factory()
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    throw configError(message.startsWith('config: ') ? message.slice('config: '.length) : message)
  }
}

/**
 * The options object of `what`, checked: `required` and `optional` name the string options,
 * `functions` the callback options. Unknown or mistyped options throw PC_CONFIG (the message names
 * the option, never its value).
 */
function check(what, options, { required = [], optional = [], functions = [] }) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw configError(`${what} takes one options object`)
  }
  const known = new Set([...required, ...optional, ...functions])
  const out = {}
  for (const [name, value] of Object.entries(options)) {
    if (!known.has(name)) throw configError(`${what}: unknown option ${JSON.stringify(name)}`)
    if (value === undefined || value === null) continue
    if (functions.includes(name)) {
      if (typeof value !== 'function') throw configError(`${what}: option ${name} must be a function`)
    } else if (typeof value !== 'string') {
      throw configError(`${what}: option ${name} must be a string`)
    } else if (value === '') {
      throw configError(`${what}: option ${name} must not be empty`)
    }
    out[name] = value
  }
  for (const name of required) {
    if (out[name] === undefined) throw configError(`${what}: option ${name} is required`)
  }
  return out
}

/**
 * `fn` made safe to call from Rust: always a Promise that resolves (to true when `fn` and its
 * Promise succeeded). A throw or rejection is reported as a process warning, without the
 * arguments (they may be secrets), and never breaks the call that triggered it.
 */
function callback(fn, what) {
  return async (arg) => {
    try {
      await fn(arg)
      return true
    } catch (err) {
      let reason = err instanceof Error ? `${err.name}: ${err.message}` : typeof err
      // The argument may be a refresh token: never let a message that quotes it through.
      if (typeof arg === 'string' && arg !== '') reason = reason.split(arg).join('[redacted]')
      process.emitWarning(`${what} failed: ${reason}`, { code: 'PARTNER_CENTER_CALLBACK' })
      return false
    }
  }
}

/** Non-secret settings shown by util.inspect and JSON.stringify. */
function describe(target, settings, native) {
  for (const [name, value] of Object.entries(settings)) {
    if (value !== undefined) Object.defineProperty(target, name, { value, enumerable: true })
  }
  Object.defineProperty(target, NATIVE, { value: native })
}

/**
 * App-only sign-in with a client secret (OAuth2 client credentials, scope `…/.default`).
 * `authorityHost` defaults to the client's cloud's sign-in service.
 */
class ClientSecretCredential {
  constructor(options) {
    const o = check('ClientSecretCredential', options, {
      required: ['tenantId', 'clientId', 'clientSecret'],
      optional: ['authorityHost'],
    })
    const native = build(() =>
      addon().NativeCredential.clientSecret(o.tenantId, o.clientId, o.clientSecret, o.authorityHost),
    )
    describe(this, { tenantId: o.tenantId, clientId: o.clientId, authorityHost: o.authorityHost }, native)
  }
}

/**
 * App-only sign-in with a certificate: a client assertion signed with its RSA key. Give
 * `certificatePath` (a PEM file) or `certificate` (PEM text), holding the CERTIFICATE and its
 * private key; `password` for an ENCRYPTED PRIVATE KEY.
 */
class CertificateCredential {
  constructor(options) {
    if (options !== null && typeof options === 'object' && Buffer.isBuffer(options.certificate)) {
      options = { ...options, certificate: options.certificate.toString('utf8') }
    }
    const o = check('CertificateCredential', options, {
      required: ['tenantId', 'clientId'],
      optional: ['certificatePath', 'certificate', 'password', 'authorityHost'],
    })
    if ((o.certificatePath === undefined) === (o.certificate === undefined)) {
      throw configError('CertificateCredential: give certificatePath or certificate (PEM), exactly one')
    }
    const native = build(() =>
      addon().NativeCredential.certificate(
        o.tenantId,
        o.clientId,
        o.certificatePath,
        o.certificate,
        o.password,
        o.authorityHost,
      ),
    )
    describe(
      this,
      { tenantId: o.tenantId, clientId: o.clientId, certificatePath: o.certificatePath, authorityHost: o.authorityHost },
      native,
    )
  }
}

/**
 * App+User sign-in with a stored refresh token (the Secure Application Model), scope
 * `…/user_impersonation`. Refresh tokens rotate: `onRefresh(newRefreshToken)` is called with every
 * new one — store it in place of the old one. A call that refreshed resolves after `onRefresh` (and
 * the Promise it returns) has finished. `clientSecret` for a confidential (web) app.
 */
class RefreshTokenCredential {
  constructor(options) {
    const o = check('RefreshTokenCredential', options, {
      required: ['tenantId', 'clientId', 'refreshToken'],
      optional: ['clientSecret', 'authorityHost'],
      functions: ['onRefresh'],
    })
    const onRefresh = o.onRefresh && callback(o.onRefresh, 'RefreshTokenCredential onRefresh')
    const native = build(() =>
      addon().NativeCredential.refreshToken(
        o.tenantId,
        o.clientId,
        o.refreshToken,
        o.clientSecret,
        onRefresh,
        o.authorityHost,
      ),
    )
    describe(this, { tenantId: o.tenantId, clientId: o.clientId, authorityHost: o.authorityHost }, native)
  }
}

/**
 * App+User sign-in by device code, for the one-time consent on a host without a browser:
 * `prompt({ userCode, verificationUri, message, expiresIn })` shows the user where to go (default:
 * the message on stderr) while the credential polls; then it redeems the refresh token it got, which
 * it hands to `onRefresh` (keep it for a `RefreshTokenCredential` later).
 */
class DeviceCodeCredential {
  constructor(options) {
    const o = check('DeviceCodeCredential', options, {
      required: ['clientId'],
      optional: ['tenantId', 'clientSecret', 'authorityHost'],
      functions: ['prompt', 'onRefresh'],
    })
    const tenantId = o.tenantId ?? 'organizations'
    const prompt = o.prompt && callback(o.prompt, 'DeviceCodeCredential prompt')
    const onRefresh = o.onRefresh && callback(o.onRefresh, 'DeviceCodeCredential onRefresh')
    const native = build(() =>
      addon().NativeCredential.deviceCode(tenantId, o.clientId, o.clientSecret, prompt, onRefresh, o.authorityHost),
    )
    describe(this, { tenantId, clientId: o.clientId, authorityHost: o.authorityHost }, native)
  }
}

// MSAL's text for a token endpoint's refusal, which @azure/identity 4 passes on as the message of
// its AuthenticationRequiredError: "{error}: Error(s): {codes} - Timestamp: … - Description: … -
// Correlation ID: … - Trace ID: …".
const MSAL_SERVER_ERROR = /^([a-z_]+): Error\(s\): ([0-9, ]*) - Timestamp: [^]*? - Description: ([^]*) - Correlation ID: (\S+) - Trace ID: (\S+)$/

/** The token endpoint's fields in an MSAL error message (best effort: `{}` when it is not one). */
function fromMsalMessage(message) {
  const m = MSAL_SERVER_ERROR.exec(typeof message === 'string' ? message.trim() : '')
  if (m === null) return {}
  return {
    error: m[1],
    errorCodes: m[2].split(',').map((c) => Number(c.trim())).filter((c) => Number.isInteger(c) && c > 0),
    errorDescription: m[3].trim(),
    correlationId: m[4],
    traceId: m[5],
  }
}

/** What a failed getToken / token function becomes (the native side maps it to PC_AUTHENTICATION). */
function failure(err) {
  const response = err !== null && typeof err === 'object' ? err.errorResponse : undefined
  const text = (v) => (typeof v === 'string' && v !== '' ? v : undefined)
  const out = { ok: false }
  if (response !== null && typeof response === 'object') {
    // @azure/identity's AuthenticationError: the token endpoint's error body.
    out.error = text(response.error)
    out.errorDescription = text(response.errorDescription) ?? text(response.error_description)
    const codes = response.errorCodes ?? response.error_codes
    if (Array.isArray(codes)) out.errorCodes = codes.filter((c) => Number.isInteger(c))
    out.traceId = text(response.traceId) ?? text(response.trace_id)
    out.correlationId = text(response.correlationId) ?? text(response.correlation_id)
  }
  if (out.error === undefined && err instanceof Error) Object.assign(out, fromMsalMessage(err.message))
  if (err !== null && typeof err === 'object' && Number.isInteger(err.statusCode)) out.status = err.statusCode
  if (out.error === undefined) {
    out.error = err instanceof Error && err.name === 'CredentialUnavailableError' ? 'credential_unavailable' : 'credential_error'
  }
  if (out.errorDescription === undefined) {
    out.errorDescription = err instanceof Error ? `${err.name}: ${err.message}` : 'the credential failed'
  }
  return out
}

/** A `TokenCredential` as the native side asks it: `(scope) => Promise<result>`, never rejecting. */
function tokenCredentialFetch(credential) {
  return async (scope) => {
    try {
      const token = await credential.getToken([scope], {})
      if (token === null || token === undefined) {
        return { ok: false, error: 'credential_unavailable', errorDescription: 'getToken returned null' }
      }
      return {
        ok: true,
        token: typeof token.token === 'string' ? token.token : undefined,
        expiresOnTimestamp: typeof token.expiresOnTimestamp === 'number' ? token.expiresOnTimestamp : undefined,
        refreshAfterTimestamp:
          typeof token.refreshAfterTimestamp === 'number' ? token.refreshAfterTimestamp : undefined,
      }
    } catch (err) {
      return failure(err)
    }
  }
}

/** A `() => Promise<string>` as the native side asks it. */
function tokenFunctionFetch(fn) {
  return async () => {
    try {
      const token = await fn()
      return typeof token === 'string' ? { ok: true, token } : { ok: false, errorDescription: 'the token function did not give a string' }
    } catch (err) {
      return failure(err)
    }
  }
}

/**
 * The native credential for what `new Client({ credential })` was given: one of ours (shared, with
 * its token cache, by every client given it), an `@azure/core-auth` `TokenCredential` (an object
 * with `getToken`; a token cache per client) or a `() => Promise<string>` (asked before every
 * attempt: it is its own cache, as `getBearerTokenProvider`'s is).
 *
 * A foreign credential is not shared through a map: the native side holds its JS function through a
 * threadsafe function (a GC root), so a cache keyed by the credential would keep both alive forever.
 */
function nativeCredential(credential) {
  if (credential !== null && typeof credential === 'object' && NATIVE in credential) return credential[NATIVE]
  if (typeof credential === 'function') {
    return addon().NativeCredential.tokenFunction(tokenFunctionFetch(credential))
  }
  if (credential !== null && typeof credential === 'object' && typeof credential.getToken === 'function') {
    return addon().NativeCredential.tokenCredential(tokenCredentialFetch(credential))
  }
  throw configError(
    'option credential must be a credential of this package, a TokenCredential (with getToken) or a function returning a Promise of a token',
  )
}

module.exports = {
  ClientSecretCredential,
  CertificateCredential,
  RefreshTokenCredential,
  DeviceCodeCredential,
  nativeCredential,
}
