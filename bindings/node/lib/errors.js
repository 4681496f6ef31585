'use strict'
// Hand-written glue (docs/contract.md §5): the one error type every call rejects with.

/** Stable `code` per meaning, keyed by the Rust runtime's error kind. */
const CODES = Object.freeze({
  bad_request: 'PC_BAD_REQUEST',
  unauthorized: 'PC_UNAUTHORIZED',
  forbidden: 'PC_FORBIDDEN',
  not_found: 'PC_NOT_FOUND',
  conflict: 'PC_CONFLICT',
  precondition_failed: 'PC_PRECONDITION_FAILED',
  throttled: 'PC_THROTTLED',
  server: 'PC_SERVER',
  other_status: 'PC_HTTP_STATUS',
  validation: 'PC_VALIDATION',
  transport: 'PC_TRANSPORT',
  timeout: 'PC_TIMEOUT',
  decode: 'PC_DECODE',
  config: 'PC_CONFIG',
  authentication: 'PC_AUTHENTICATION',
  reauthentication_required: 'PC_REAUTHENTICATION_REQUIRED',
  mfa_required: 'PC_MFA_REQUIRED',
  aborted: 'PC_ABORTED',
})

const FIELDS = [
  'status',
  'partnerCenterCode',
  'description',
  'data',
  'source',
  'requestId',
  'correlationId',
  'retryAfter',
  'errors',
  'body',
  'error',
  'errorDescription',
  'errorCodes',
  'traceId',
]

/** A failed Partner Center call: an HTTP error answer, a validation failure, a transport problem... */
class PartnerCenterError extends Error {
  /**
   * @param {object} [fields] kind, message and the fields of docs/contract.md §5
   */
  constructor(fields = {}) {
    const kind = typeof fields.kind === 'string' && fields.kind in CODES ? fields.kind : 'other_status'
    super(fields.message || kind, fields.cause === undefined ? undefined : { cause: fields.cause })
    // A call its AbortSignal stopped is named like fetch's: `err.name === 'AbortError'`.
    this.name = kind === 'aborted' ? 'AbortError' : 'PartnerCenterError'
    this.code = CODES[kind]
    this.kind = kind
    this.status = numberOrNull(fields.status)
    this.partnerCenterCode = stringOrNull(fields.partnerCenterCode)
    this.description = stringOrNull(fields.description)
    this.data = Array.isArray(fields.data) ? fields.data : []
    this.source = stringOrNull(fields.source)
    this.requestId = stringOrNull(fields.requestId)
    this.correlationId = stringOrNull(fields.correlationId)
    this.retryAfter = numberOrNull(fields.retryAfter)
    this.errors = Array.isArray(fields.errors)
      ? fields.errors.map((e) => ({ path: String(e.path), message: String(e.message) }))
      : []
    this.body = stringOrNull(fields.body)
    // A sign-in the token endpoint refused (PC_AUTHENTICATION, PC_REAUTHENTICATION_REQUIRED).
    this.error = stringOrNull(fields.error)
    this.errorDescription = stringOrNull(fields.errorDescription)
    this.errorCodes = Array.isArray(fields.errorCodes) ? fields.errorCodes.filter((c) => Number.isFinite(c)) : []
    this.traceId = stringOrNull(fields.traceId)
  }

  /** True for the statuses and failures a retry may fix (what the Rust client itself retries). */
  get retryable() {
    return (
      this.kind === 'transport' ||
      this.kind === 'timeout' ||
      this.kind === 'throttled' ||
      [408, 500, 502, 503, 504].includes(this.status ?? 0)
    )
  }

  /** Plain fields only (no stack), so `JSON.stringify(err)` says what failed. */
  toJSON() {
    const out = { name: this.name, code: this.code, message: this.message }
    for (const f of FIELDS) out[f] = this[f]
    return out
  }
}

function stringOrNull(v) {
  return v === undefined || v === null ? null : String(v)
}

function numberOrNull(v) {
  return typeof v === 'number' && Number.isFinite(v) ? v : null
}

/**
 * The `PartnerCenterError` for what the native addon threw or rejected with. An error that is
 * already a `PartnerCenterError` is returned as is; one without the native fields (a bad argument
 * napi refused, a bug) becomes a `PC_VALIDATION`/`PC_CONFIG` error keeping the original as `cause`.
 */
function fromNative(err) {
  if (err instanceof PartnerCenterError) return err
  if (err !== null && typeof err === 'object' && typeof err.kind === 'string') {
    const fields = { message: err.message, kind: err.kind }
    for (const f of FIELDS) fields[f] = err[f]
    const converted = new PartnerCenterError(fields)
    Error.captureStackTrace?.(converted, fromNative)
    return converted
  }
  const message = err instanceof Error ? err.message : String(err)
  if (message.startsWith('config: ')) {
    return new PartnerCenterError({ kind: 'config', message: message.slice('config: '.length), cause: err })
  }
  return new PartnerCenterError({ kind: 'validation', message, cause: err })
}

module.exports = { PartnerCenterError, fromNative, CODES }
