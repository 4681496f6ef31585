#!/usr/bin/env node
// Lays out the npm packages to publish, as napi-rs projects publish them: the main package
// `partner-center` (JavaScript, typings, the loader) with one optional dependency per platform, and
// one package per platform holding that platform's addon (`partner-center-linux-x64-gnu`, ...).
// npm installs only the platform package whose `os`/`cpu`/`libc` match the machine.
//
//   node scripts/stage.mjs --out DIR [--addons DIR] [--all]
//
// --addons  where the built `partner-center.<platform>.node` files are (default: this package)
// --all     refuse to stage unless every platform of package.json's napi.targets has its addon
//           (the release workflow); without it, stage the platforms built here (CI)
//
// Works on copies under --out: the checkout is left as it is (napi's own `artifacts` and
// `pre-publish` rewrite package.json in place and need every platform's addon and a git release).
// Each staged directory is ready for `npm pack` or `npm publish`.

import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createRequire } from 'node:module'

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const { platformOfTriple } = createRequire(import.meta.url)('../lib/platforms.js')

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'))
}

function writeJson(path, value) {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`)
}

export function stage({ out, addons = PACKAGE, all = false }) {
  const main = readJson(join(PACKAGE, 'package.json'))
  const platforms = main.napi.targets.map(platformOfTriple)
  const problems = []
  const staged = []
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })

  for (const platform of platforms) {
    const addon = join(addons, `${main.napi.binaryName}.${platform}.node`)
    const template = join(PACKAGE, 'npm', platform)
    const manifest = readJson(join(template, 'package.json'))
    if (manifest.name !== `${main.name}-${platform}`) problems.push(`npm/${platform}/package.json is named ${manifest.name}`)
    if (manifest.version !== main.version) {
      problems.push(`npm/${platform}/package.json has version ${manifest.version}, the package ${main.version}`)
    }
    if (!existsSync(addon)) {
      if (all) problems.push(`no addon for ${platform}: ${addon}`)
      continue
    }
    const dir = join(out, platform)
    cpSync(template, dir, { recursive: true })
    copyFileSync(addon, join(dir, manifest.main))
    staged.push(dir)
  }

  const dir = join(out, main.name)
  mkdirSync(dir)
  for (const entry of [...main.files, 'README.md']) {
    const from = join(PACKAGE, entry)
    if (!existsSync(from)) problems.push(`package.json lists ${entry}, which does not exist`)
    else cpSync(from, join(dir, entry), { recursive: true })
  }
  const { scripts, devDependencies, ...published } = main
  published.optionalDependencies = Object.fromEntries(platforms.map((p) => [`${main.name}-${p}`, main.version]))
  writeJson(join(dir, 'package.json'), published)
  staged.push(dir)

  if (problems.length > 0) throw new Error(`cannot stage the npm packages:\n  ${problems.join('\n  ')}`)
  return staged
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, addons: { type: 'string' }, all: { type: 'boolean', default: false } },
  })
  if (!values.out) {
    console.error('usage: node scripts/stage.mjs --out DIR [--addons DIR] [--all]')
    process.exit(2)
  }
  try {
    for (const dir of stage({ out: resolve(values.out), addons: values.addons && resolve(values.addons), all: values.all })) {
      console.log(dir)
    }
  } catch (err) {
    console.error(err.message)
    process.exit(1)
  }
}
