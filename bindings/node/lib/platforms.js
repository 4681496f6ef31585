'use strict'
// Platform names as napi-rs spells them (`linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`): the
// suffix of each per-platform npm package and of its `.node` file.

/** The platform a Rust target triple builds for; a glibc pin (`….2.17`) is ignored. */
function platformOfTriple(triple) {
  const [arch, , os, abi] = triple.split('.')[0].split('-')
  const nodeArch = { x86_64: 'x64', aarch64: 'arm64', i686: 'ia32', armv7: 'arm' }[arch] ?? arch
  const nodeOs = { linux: 'linux', darwin: 'darwin', windows: 'win32' }[os] ?? os
  return abi === undefined ? `${nodeOs}-${nodeArch}` : `${nodeOs}-${nodeArch}-${abi}`
}

/** The platform this process runs on. */
function currentPlatform() {
  const { platform, arch } = process
  if (platform === 'linux') return `linux-${arch}-${isGlibc() ? 'gnu' : 'musl'}`
  if (platform === 'win32') return `win32-${arch}-msvc`
  return `${platform}-${arch}`
}

// The process report names the glibc a process runs on; musl has none (napi-rs's loader asks it too).
function isGlibc() {
  return Boolean(process.report?.getReport?.().header?.glibcVersionRuntime)
}

module.exports = { platformOfTriple, currentPlatform }
