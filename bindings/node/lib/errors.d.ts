// Hand-written glue (docs/contract.md §5): the one error type every call rejects with.

/** Stable per meaning; `PC_VALIDATION` is raised before any request is sent. */
export type PartnerCenterErrorCode =
  | 'PC_BAD_REQUEST'
  | 'PC_UNAUTHORIZED'
  | 'PC_FORBIDDEN'
  | 'PC_NOT_FOUND'
  | 'PC_CONFLICT'
  | 'PC_PRECONDITION_FAILED'
  | 'PC_THROTTLED'
  | 'PC_SERVER'
  | 'PC_HTTP_STATUS'
  | 'PC_VALIDATION'
  | 'PC_TRANSPORT'
  | 'PC_TIMEOUT'
  | 'PC_DECODE'
  | 'PC_CONFIG'
  | 'PC_AUTHENTICATION'
  | 'PC_REAUTHENTICATION_REQUIRED'
  | 'PC_MFA_REQUIRED'
  | 'PC_ABORTED'

/** The Rust runtime's error kind the code is derived from. */
export type PartnerCenterErrorKind =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'throttled'
  | 'server'
  | 'other_status'
  | 'validation'
  | 'transport'
  | 'timeout'
  | 'decode'
  | 'config'
  | 'authentication'
  | 'reauthentication_required'
  | 'mfa_required'
  | 'aborted'

/** One client-side validation problem: `path` uses wire names (`billingProfile.defaultAddress.city`). */
export interface FieldError {
  path: string
  message: string
}

export interface PartnerCenterErrorFields {
  kind?: PartnerCenterErrorKind | string
  message?: string
  status?: number | null
  partnerCenterCode?: string | null
  description?: string | null
  data?: unknown[]
  source?: string | null
  requestId?: string | null
  correlationId?: string | null
  retryAfter?: number | null
  errors?: FieldError[]
  body?: string | null
  error?: string | null
  errorDescription?: string | null
  errorCodes?: number[]
  traceId?: string | null
  cause?: unknown
}

/** Every failed call rejects with this. */
export declare class PartnerCenterError extends Error {
  constructor(fields?: PartnerCenterErrorFields)
  /**
   * `'AbortError'` for a call its `signal` stopped (code `PC_ABORTED`, `cause`: the signal's
   * `reason`), as `fetch` names it; `'PartnerCenterError'` otherwise.
   */
  readonly name: 'PartnerCenterError' | 'AbortError'
  /** Stable string per meaning, e.g. `PC_NOT_FOUND`, `PC_THROTTLED`, `PC_VALIDATION`. */
  readonly code: PartnerCenterErrorCode
  readonly kind: PartnerCenterErrorKind
  /** HTTP status, or null when no answer arrived (validation, transport, timeout). */
  readonly status: number | null
  /** Partner Center's error code from the body (`60003`, `2055`...), as text. */
  readonly partnerCenterCode: string | null
  readonly description: string | null
  readonly data: unknown[]
  readonly source: string | null
  /** The `MS-RequestId` of the call (reused by its retries). */
  readonly requestId: string | null
  readonly correlationId: string | null
  /** Seconds the service asked to wait (`Retry-After`), for `PC_THROTTLED`. */
  readonly retryAfter: number | null
  /** For `PC_VALIDATION`: every problem found. */
  readonly errors: FieldError[]
  /** The raw error body (capped at 4 KiB). */
  readonly body: string | null
  /**
   * For `PC_AUTHENTICATION` / `PC_REAUTHENTICATION_REQUIRED` (the token endpoint refused to sign
   * in): its OAuth2 `error`, e.g. `invalid_client`, `invalid_grant`. React to this one.
   */
  readonly error: string | null
  /** The token endpoint's `error_description` (for people; wording may change). */
  readonly errorDescription: string | null
  /** Microsoft Entra's AADSTS numbers, e.g. `[7000215]` for a wrong client secret. */
  readonly errorCodes: number[]
  /** The token endpoint's trace id (`correlationId` is then the token endpoint's too). */
  readonly traceId: string | null
  /** True when a retry may succeed (transport, timeout, 408, 429, 5xx). */
  readonly retryable: boolean
  toJSON(): Record<string, unknown>
}

/** The `PartnerCenterError` for what the native addon threw or rejected with. */
export declare function fromNative(err: unknown): PartnerCenterError

export declare const CODES: Readonly<Record<PartnerCenterErrorKind, PartnerCenterErrorCode>>
