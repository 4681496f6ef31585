// Hand-written glue (docs/contract.md §5) between the generated client classes and the native addon.

import type { NativeClient } from '../native'
import type { Credential } from './credentials'

/** How `new Client(options)` connects. */
export interface ClientOptions {
  /** Bearer token (App+User or App-only). Never readable back from the client or its errors. */
  token?: string
  /**
   * Sign in instead of a fixed `token`: one of this package's credentials
   * (`ClientSecretCredential`, `CertificateCredential`, `RefreshTokenCredential`,
   * `DeviceCodeCredential`), any `@azure/core-auth` `TokenCredential` (asked for
   * `https://api.partnercenter.microsoft.com/.default` and cached until its
   * `refreshAfterTimestamp` or shortly before it expires), or a `() => Promise<string>` such as
   * `getBearerTokenProvider(...)` (asked before every attempt).
   */
  credential?: Credential
  /**
   * PEM of an extra root certificate to trust besides the system's (a local emulator over TLS, a
   * TLS-inspecting proxy); used for the token endpoint too.
   */
  caCert?: string | Buffer
  /** Base URL, e.g. a local emulator's `http://127.0.0.1:8080`; give this or `cloud`. */
  baseUrl?: string
  /**
   * A named cloud of the spec's `x-pc-clouds` (default: the first); the package's own
   * `ClientOptions` (index.d.ts) narrows this to the spec's names.
   */
  cloud?: string
  /** Culture responses are localised in, e.g. `en-US` (sent as `X-Locale`). */
  locale?: string
  /** Name of the calling application (sent as `MS-PartnerCenter-Application`). */
  application?: string
  /** Correlation id sent with every call (default: a new UUID per client). */
  correlationId?: string
  /** How long one attempt may take, in milliseconds (default 60 000). */
  timeout?: number
  /** Retries after the first attempt on transient failures (default 2; 0 = none). */
  maxRetries?: number
  /**
   * Check requests against the spec before sending them (default true): a body member the model
   * does not have, at any depth, is a `PC_VALIDATION` error naming its path and nothing is sent.
   * With `false`, bodies are sent as given.
   */
  validate?: boolean
  /**
   * Client-side pacing: at most this many requests a minute, evenly spaced (no burst), shared by
   * every concurrent call of this client; retries count too. E.g. just under a service's
   * per-minute throttling, so a bulk job is not answered 429. A whole number, 1 or more (default:
   * no pacing).
   */
  requestsPerMinute?: number
  /**
   * Answers larger than this many bytes are refused without being read whole: `PC_DECODE`, whose
   * message says the answer is larger than the client's limit (default 33 554 432, 32 MiB).
   */
  maxResponseBytes?: number
  /** The `User-Agent` sent with every call. */
  userAgent?: string
  /**
   * Where this client's call events go: any console-like object. Each attempt of a call is one
   * `logger[level](message, fields)`: `warn` for a retry (a 5xx, 408, 429 with its Retry-After, a
   * timeout, a lost connection), `info` for the end of a failed call, `debug` for an answer. Called
   * on the event loop's thread, never blocking a call; a logger that throws is ignored. Never a
   * token, secret, password, body or query string. Without one, `PARTNER_CENTER_LOG=debug` (or
   * `info`, `warn`) writes the events to stderr.
   */
  logger?: Logger
  /**
   * The least level handed to `logger` (default: `PARTNER_CENTER_LOG`'s level, else `'warn'`).
   * `'error'` and `'off'` log nothing: no call event is an error (a failed call rejects).
   */
  logLevel?: LogLevel
}

/** Levels of `logLevel`, least severe first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off'

/** What `logger` is given with each event's message. */
export interface LogFields {
  level: 'debug' | 'info' | 'warn'
  /** The operationId, e.g. `listCustomers`. */
  operation: string
  method: string
  /** The URL's path as sent; never its query string. */
  path: string
  /** The answer's HTTP status; null when none arrived (a timeout, a lost connection). */
  status: number | null
  /** The error kind the attempt ended in (`server`, `throttled`, `timeout`, `transport`, …); null for an answer. */
  error: string | null
  /** 1-based; the immediate retry after a 401 with a fresh token carries the same number. */
  attempt: number
  /** The call's `MS-RequestId` (the same on every attempt). */
  requestId: string
  durationMs: number
  /** For a retry: the wait before the next attempt. */
  retryInMs: number | null
  /** For a retry the service asked to wait for: its Retry-After. */
  retryAfterMs: number | null
}

/** Any console-like object: `console`, or a logger with these methods. */
export interface Logger {
  debug(message: string, fields: LogFields): void
  info(message: string, fields: LogFields): void
  warn(message: string, fields: LogFields): void
  error?(message: string, fields: LogFields): void
}

/** Per-call options, accepted by every method. */
export interface CallOptions {
  /** The `MS-RequestId` of this call (default: a fresh UUID, reused by its retries). */
  requestId?: string
  /** How long one attempt may take, in milliseconds. */
  timeout?: number
  /** Extra request headers. */
  headers?: Record<string, string>
  /**
   * Stops the call, as `fetch`'s `signal` does: already aborted, nothing is sent; aborted during
   * the call, its request is dropped (connection closed, no retry) and the call rejects with a
   * `PartnerCenterError` whose `name` is `'AbortError'` (code `PC_ABORTED`, `cause`: the signal's
   * `reason`). The client stays usable. `list()` checks it before every page.
   */
  signal?: AbortSignal | null
}

/** A call's answer with its status and headers. */
export interface ApiResponse<T> {
  status: number
  /** Header names in lower case. */
  headers: Record<string, string>
  requestId: string
  data: T
}

/**
 * What a `format: date-time` field or parameter holds: an RFC 3339 date-time (ISO 8601 with an
 * offset), e.g. `2019-08-26T07:30:00Z` or `2019-08-26T09:30:00.5+02:00`. Kept as text, JSON's own
 * form of a date, so nothing is lost or shifted on the way (a JavaScript `Date` holds milliseconds
 * and no offset). Answers always carry an offset: a value the service wrote without one is UTC and
 * arrives with `Z`. `new Date(value)` reads one; `date.toISOString()` writes one (a `Date` passed
 * in untyped JavaScript is written so by JSON.stringify).
 */
export type DateTimeString = string

/** What a `format: date` field or parameter holds: a calendar date, `YYYY-MM-DD`, e.g. `2019-08-26`. */
export type DateString = string

/** One page of a list, with the token of the next one (null on the last page). */
export interface Page<T> {
  items: T[]
  continuationToken: string | null
  totalCount: number | null
  status: number
  headers: Record<string, string>
  requestId: string
}

/** The native client for `options` (timeout in ms); throws `PartnerCenterError` `PC_CONFIG` on bad options. */
export declare function createNative(options: ClientOptions): NativeClient

/** Runs one operation: JSON in and out; rejects with `PartnerCenterError`. */
export declare function call(
  native: NativeClient,
  operation: string,
  params: Record<string, unknown>,
  body: unknown | undefined,
  options: CallOptions | undefined,
  continuationToken?: string | null,
): Promise<ApiResponse<unknown>>

/** Every item of every page; `fetch(null)` is the first page. */
export declare function pages<T>(fetch: (token: string | null) => Promise<Page<T>>): AsyncIterable<T>

/**
 * Makes the fields at `paths` (`"userCredentials.password"`, `"items[].x"`) non-enumerable: readable,
 * but absent from console.log / util.inspect / JSON.stringify.
 */
export declare function hideSecrets(value: unknown, paths: string[]): void
