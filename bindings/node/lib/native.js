'use strict'
// Loads the native addon. napi-rs's generated loader (../native.js) tries the `.node` file beside
// the package (a build from source) and then this platform's package (`partner-center-<platform>`,
// an optional dependency of the published package). When both fail its error blames an npm bug;
// this one says which platform this is, which are prebuilt, and what to do about it.

const pkg = require('../package.json')
const { currentPlatform, platformOfTriple } = require('./platforms.js')

function load() {
  try {
    return require('../native.js')
  } catch (cause) {
    const here = currentPlatform()
    const prebuilt = (pkg.napi?.targets ?? []).map(platformOfTriple)
    const name = `${pkg.name}-${here}`
    const advice = prebuilt.includes(here)
      ? `Its prebuilt addon is the package ${name}, an optional dependency of ${pkg.name}, and it is ` +
        'not installed here: npm leaves optional dependencies out with --omit=optional or ' +
        '--no-optional, and when node_modules or the lock file was made on another platform. Run ' +
        `\`npm install ${pkg.name}\` on this machine, or add ${name}@${pkg.version} explicitly.`
      : `There is no prebuilt addon for it (prebuilt: ${prebuilt.join(', ')}). Build it from ` +
        'source with Rust and `npx napi build --platform --release` in the package, as its README says.'
    const error = new Error(
      `${pkg.name} ${pkg.version} cannot load its native addon on ${here} (Node ${process.version}). ` +
        `${advice} (loader: ${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)})`,
    )
    error.code = 'PC_NO_NATIVE_ADDON'
    error.cause = cause
    throw error
  }
}

module.exports = load()
