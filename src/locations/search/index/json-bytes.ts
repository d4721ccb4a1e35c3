/**
 * Byte helpers of the search index's responses. A response is written straight into one Buffer: kept list views are
 * UTF-8 bytes already (see RenderedListView), so a response costs one allocation and copies, not strings joined,
 * flattened and encoded again (allocation drove the GC).
 */

/** A response body put together from strings and byte ranges, then written into one Buffer. */
export class JsonBytes {
  private readonly parts: Array<string | Buffer | number> = []; // a string, or a Buffer with its start and end
  private length = 0;

  /** Appends a string (written as UTF-8). */
  add(text: string): void {
    this.parts.push(text);
    this.length += Buffer.byteLength(text);
  }

  /** Appends bytes [start, end) of `bytes` (not copied until toBuffer). */
  addBytes(bytes: Buffer, start: number, end: number): void {
    this.parts.push(bytes, start, end);
    this.length += end - start;
  }

  /** The whole body, in one Buffer of exactly its length. */
  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    let at = 0;
    for (let i = 0; i < this.parts.length; i++) {
      const part = this.parts[i];
      if (typeof part === 'string') {
        at += out.write(part, at);
      } else if (Buffer.isBuffer(part)) {
        at += part.copy(out, at, this.parts[i + 1] as number, this.parts[i + 2] as number);
        i += 2;
      }
    }
    return out;
  }
}

/** JSON.stringify of a count per reason (reasons are plain identifiers: nothing to escape). */
export function countsJson(counts: Partial<Record<string, number>>): string {
  let json = '';
  for (const reason in counts) json += `${json === '' ? '' : ','}"${reason}":${counts[reason]}`;
  return `{${json}}`;
}
