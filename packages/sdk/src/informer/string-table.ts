/**
 * Shares equal strings between cached objects. V8's JSON.parse gives every long string value its own copy, so
 * 10,000 pods hold 10,000 copies of the same image, imageID, node name, owner UID and timestamps. Looking each
 * value up here makes them one. The table is capped: when full it starts afresh, so unique values (names, UIDs)
 * cost at most one map entry each for a while and never leak. Strings shorter than 8 characters are skipped:
 * V8 already shares most of them and the lookup would cost more than it saves.
 */
export class StringTable {
  private table = new Map<string, string>();
  private readonly capacity: number;

  constructor(capacity = 50_000) {
    this.capacity = capacity;
  }

  intern(value: string): string {
    if (value.length < 8) return value;
    const shared = this.table.get(value);
    if (shared !== undefined) return shared;
    if (this.table.size >= this.capacity) this.table = new Map();
    this.table.set(value, value);
    return value;
  }
}

/** Replaces every string value reachable from obj (not keys) by its shared copy. Mutates obj; returns it. */
export function internStrings<T>(obj: T, table: StringTable): T {
  if (!obj || typeof obj !== "object") return obj;
  if (Array.isArray(obj)) {
    for (let i = 0; i < obj.length; i++) {
      const v: unknown = obj[i];
      if (typeof v === "string") obj[i] = table.intern(v);
      else if (v && typeof v === "object") internStrings(v, table);
    }
    return obj;
  }
  const record = obj as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const v = record[key];
    if (typeof v === "string") record[key] = table.intern(v);
    else if (v && typeof v === "object") internStrings(v, table);
  }
  return obj;
}
