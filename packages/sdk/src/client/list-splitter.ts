// Splits a List response (`{"metadata":{...},"items":[{...},{...}]}`) into its items as the bytes arrive, so a
// page is never held as one string nor as one parsed array: each item is parsed on its own and becomes garbage as
// soon as the caller has taken what it keeps. A 500-pod page is about 3 MiB of JSON; parsing it whole kept that
// string, the parsed page and the allocator's leftovers alive together (see README, Memory).

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const ITEMS_KEY = "items";

/**
 * Feed it the body's chunks in order; it calls onItem with each element of the top-level "items" array (as JSON
 * text), and end() parses everything else (metadata, kind) with "items" left empty.
 */
export class ListSplitter {
  private readonly onItem: (json: string) => void;
  private readonly decoder = new TextDecoder();
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** At depth 1, the next string is a key. */
  private expectKey = false;
  private keyParts: number[] | undefined;
  private lastKey = "";
  /** Inside the "items" array (its elements are at depth 2 and deeper). */
  private inItems = false;
  /** An element of "items" is open; it started at itemStart in this chunk (0 when in an earlier one). */
  private itemOpen = false;
  private itemStart = 0;
  /** Bytes of the open item from earlier chunks. */
  private itemParts: Uint8Array[] = [];
  /** The envelope without the items. */
  private envelope: Uint8Array[] = [];

  constructor(onItem: (json: string) => void) {
    this.onItem = onItem;
  }

  write(chunk: Uint8Array): void {
    let envelopeStart = this.inItems ? -1 : 0;
    this.itemStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.keyParts) {
            this.lastKey = String.fromCharCode(...this.keyParts);
            this.keyParts = undefined;
          }
        } else if (this.keyParts && this.keyParts.length < 16) this.keyParts.push(c);
        continue;
      }
      if (c === QUOTE) {
        this.inString = true;
        if (this.depth === 1 && this.expectKey) {
          this.keyParts = [];
          this.expectKey = false;
        }
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        this.depth++;
        if (this.depth === 1) this.expectKey = true;
        else if (this.depth === 2 && c === OPEN_ARRAY && this.lastKey === ITEMS_KEY) {
          // Keep the "[" in the envelope and drop everything up to the matching "]".
          this.envelope.push(chunk.subarray(envelopeStart, i + 1));
          envelopeStart = -1;
          this.inItems = true;
        } else if (this.depth === 3 && this.inItems) {
          this.itemOpen = true;
          this.itemStart = i;
        }
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        this.depth--;
        if (this.itemOpen && this.depth === 2) this.emit(chunk.subarray(this.itemStart, i + 1));
        else if (this.inItems && this.depth === 1) {
          this.inItems = false;
          this.lastKey = "";
          envelopeStart = i;
        }
      } else if (c === COMMA && this.depth === 1) this.expectKey = true;
    }
    if (this.itemOpen) this.itemParts.push(chunk.subarray(this.itemStart));
    if (envelopeStart >= 0) this.envelope.push(chunk.subarray(envelopeStart));
  }

  /** Parses the envelope (everything but the items). */
  end(): Record<string, unknown> {
    if (this.depth !== 0 || this.inString || this.envelope.length === 0)
      throw new Error("list response ended in the middle of the JSON");
    const text = this.decoder.decode(concat(this.envelope));
    return JSON.parse(text) as Record<string, unknown>;
  }

  private emit(tail: Uint8Array): void {
    const bytes = this.itemParts.length === 0 ? tail : concat([...this.itemParts, tail]);
    this.itemParts = [];
    this.itemOpen = false;
    this.onItem(this.decoder.decode(bytes));
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
