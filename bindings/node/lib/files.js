// Hand-written glue (docs/contract.md §5): files for multipart bodies (`format: binary`).
'use strict'

const fs = require('node:fs')
const path = require('node:path')
const util = require('node:util')

/** A file to send as a multipart part: its content, and the file name and media type its part declares. */
class FilePart {
  constructor(data, options = {}) {
    if (typeof data === 'string') data = Buffer.from(data)
    if (!(data instanceof Uint8Array)) throw new TypeError('FilePart data must be a Uint8Array, Buffer or string')
    // Not enumerable: JSON.stringify and console.log never show the content.
    Object.defineProperty(this, 'data', { value: Buffer.from(data.buffer, data.byteOffset, data.byteLength) })
    this.fileName = options.fileName ?? null
    this.contentType = options.contentType ?? null
  }

  /** The file at `file` (read whole: a retried call sends it again), named after it. */
  static fromPath(file, options = {}) {
    return new FilePart(fs.readFileSync(file), { fileName: path.basename(file), ...options })
  }

  /** The form the native client reads a file in. */
  toJSON() {
    const wire = { base64: this.data.toString('base64') }
    if (this.fileName !== null) wire.fileName = this.fileName
    if (this.contentType !== null) wire.contentType = this.contentType
    return wire
  }

  [util.inspect.custom]() {
    return `FilePart { fileName: ${util.inspect(this.fileName)}, contentType: ${util.inspect(this.contentType)}, size: ${this.data.length} }`
  }
}

/**
 * A JSON.stringify replacer that sends raw bytes (a file field given as a Uint8Array or Buffer)
 * in the file form; Buffer's own toJSON would make them an array of numbers.
 */
function bytesAsFiles(key, value) {
  const raw = this[key]
  if (raw instanceof Uint8Array && !(raw instanceof FilePart)) return new FilePart(raw).toJSON()
  return value
}

module.exports = { FilePart, bytesAsFiles }
