// Hand-written glue (docs/contract.md §5): files for multipart bodies (`format: binary`).

/** A file to send as a multipart part. A file field also takes a plain Uint8Array, Buffer or string. */
export declare class FilePart {
  constructor(data: Uint8Array | string, options?: { fileName?: string; contentType?: string })
  /** The file at `file` (read whole), named after it. */
  static fromPath(file: string, options?: { fileName?: string; contentType?: string }): FilePart
  readonly data: Buffer
  fileName: string | null
  contentType: string | null
  toJSON(): { base64: string; fileName?: string; contentType?: string }
}
