// Files for multipart bodies: the form the native client is handed, and content never printed.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { inspect } from 'node:util'

import { FilePart } from '../index.mjs'
import runtime from '../lib/files.js'

test('files and raw bytes reach the native client as base64', () => {
  const body = {
    file: new FilePart(Buffer.from([0, 255]), { fileName: 'a.bin', contentType: 'application/x-test' }),
    raw: new Uint8Array([104, 105]),
    n: 1,
  }
  assert.deepEqual(JSON.parse(JSON.stringify(body, runtime.bytesAsFiles)), {
    file: { base64: 'AP8=', fileName: 'a.bin', contentType: 'application/x-test' },
    raw: { base64: 'aGk=' },
    n: 1,
  })
})

test('a file never shows its content', () => {
  const secret = new FilePart('password=hunter2', { fileName: 'creds.txt' })
  assert.ok(!inspect(secret).includes('hunter2'), inspect(secret))
  assert.ok(!Object.keys(secret).includes('data'))
  assert.equal(inspect(secret), "FilePart { fileName: 'creds.txt', contentType: null, size: 16 }")
})

test('a file from a path is named after it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'files-'))
  try {
    writeFileSync(join(dir, 'report.txt'), 'abc')
    const part = FilePart.fromPath(join(dir, 'report.txt'), { contentType: 'text/plain' })
    assert.deepEqual([part.data.toString(), part.fileName, part.contentType], ['abc', 'report.txt', 'text/plain'])
  } finally {
    rmSync(dir, { recursive: true })
  }
})
