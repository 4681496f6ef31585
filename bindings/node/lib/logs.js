'use strict'
// The call log's client options (`logger`, `logLevel`, the PARTNER_CENTER_LOG variable) and the
// hand-over of each native call event to the logger (docs/contract.md §3, README "Logging").

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'off']
let packageName = null

/** This package's name (`partner-center`), as the stderr log names it. */
function ownName() {
  if (packageName === null) {
    try {
      packageName = String(require('../package.json').name)
    } catch {
      packageName = 'partner-center' // a copy of lib/ without its package.json
    }
  }
  return packageName
}

/**
 * The environment variable that turns the log on without a `logger`: `PARTNER_CENTER_LOG` for the
 * package `partner-center` (its name without a scope, upper case, `_LOG`).
 */
function logVariableName() {
  return `${ownName().replace(/^@[^/]+\//, '').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}_LOG`
}

/** The level the environment variable asks for: `debug`, `info`, `warn`/`warning`; else null. */
function environmentLevel() {
  const value = (process.env[logVariableName()] ?? '').trim().toLowerCase()
  if (value === 'warning') return 'warn'
  return ['debug', 'info', 'warn'].includes(value) ? value : null
}

/** Writes each event as one line on stderr (the environment variable's quick look). */
function stderrLogger() {
  const name = ownName()
  const line = (label) => (message) => {
    process.stderr.write(`${new Date().toISOString()} ${label} ${name}: ${message}\n`)
  }
  return { debug: line('DEBUG'), info: line('INFO'), warn: line('WARN'), error: line('ERROR') }
}

/**
 * Where this client's call events go: `{ logger, level }`, or null for nowhere. A `logger` gets
 * events from `logLevel` up (default: the environment variable's level, else `'warn'`); without
 * one, the environment variable alone sends them to stderr. `'error'` and `'off'` log nothing: no
 * call event is an error (a failed call's error is its rejection). Bad options throw
 * `configError(message)`.
 */
function callLog(logger, logLevel, configError) {
  if (logLevel !== undefined && logLevel !== null && !LOG_LEVELS.includes(logLevel)) {
    throw configError(`option logLevel must be one of ${LOG_LEVELS.map((l) => `'${l}'`).join(', ')}`)
  }
  const fromEnvironment = environmentLevel()
  if (logger === undefined || logger === null) {
    if (fromEnvironment === null) return null
    logger = stderrLogger()
  } else if (typeof logger !== 'object' || ['debug', 'info', 'warn'].some((m) => typeof logger[m] !== 'function')) {
    throw configError('option logger must have debug, info and warn methods (console-like)')
  }
  const level = logLevel ?? fromEnvironment ?? 'warn'
  return level === 'error' || level === 'off' ? null : { logger, level }
}

/** Hands one native event to the logger: `logger[level](message, fields)`. Never throws. */
function emit(logger, event) {
  const fields = {
    level: event.level,
    operation: event.operation,
    method: event.method,
    path: event.path,
    status: event.status ?? null,
    error: event.error ?? null,
    attempt: event.attempt,
    requestId: event.requestId,
    durationMs: event.durationMs,
    retryInMs: event.retryInMs ?? null,
    retryAfterMs: event.retryAfterMs ?? null,
  }
  try {
    logger[event.level](event.message, fields)
  } catch {
    // A logger's failure is not the call's: it goes on.
  }
}

module.exports = { callLog, emit }
