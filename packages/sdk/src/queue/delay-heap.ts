/** A binary min-heap of keys by ready time, for addAfter and backoff. */
export class DelayHeap {
  private readonly heap: Array<{ key: string; at: number }> = [];

  get length(): number {
    return this.heap.length;
  }

  push(key: string, at: number): void {
    this.heap.push({ key, at });
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.heap[parent]!.at <= this.heap[i]!.at) break;
      [this.heap[parent], this.heap[i]] = [this.heap[i]!, this.heap[parent]!];
      i = parent;
    }
  }

  peek(): { key: string; at: number } | undefined {
    return this.heap[0];
  }

  pop(): { key: string; at: number } | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined || this.heap.length === 0) return top;
    this.heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < this.heap.length && this.heap[l]!.at < this.heap[smallest]!.at) smallest = l;
      if (r < this.heap.length && this.heap[r]!.at < this.heap[smallest]!.at) smallest = r;
      if (smallest === i) break;
      [this.heap[smallest], this.heap[i]] = [this.heap[i]!, this.heap[smallest]!];
      i = smallest;
    }
    return top;
  }
}
