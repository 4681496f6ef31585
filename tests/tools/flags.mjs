// Command-line flags of the Node runners (tests/reliability/node/soak.mjs, bench/node/load.mjs).

import { parseArgs } from 'node:util'

/**
 * `--name value` or `--name=value` flags (`node:util` `parseArgs`, strict, every option a string)
 * and the way out on a mistake. Returns `{ values, usage }`: `usage(message)` prints the message and
 * `usageText` to stderr and exits with 2; it has already been called for an unknown flag, a missing
 * value or a missing `required` flag.
 */
export function readFlags(usageText, options, required) {
  const usage = (message) => {
    console.error(`${message}\n${usageText}`)
    process.exit(2)
  }
  let values
  try {
    values = parseArgs({ options, strict: true }).values
  } catch (err) {
    usage(err.message)
  }
  for (const flag of required) {
    if (values[flag] === undefined) usage(`--${flag} is required`)
  }
  return { values, usage }
}
