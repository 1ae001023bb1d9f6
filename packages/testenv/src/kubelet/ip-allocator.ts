/** Hands out unique pod IPs from 10.244.0.0/16 (65,000 pods, more than any benchmark makes). */
export class PodIpAllocator {
  #next = 0;
  readonly #used = new Set<string>();

  allocate(): string {
    for (let attempt = 0; attempt < 65_024; attempt++) {
      const n = this.#next++ % 65_024;
      const ip = `10.244.${Math.floor(n / 254)}.${(n % 254) + 1}`;
      if (!this.#used.has(ip)) {
        this.#used.add(ip);
        return ip;
      }
    }
    throw new Error("testenv: the simulated pod network 10.244.0.0/16 is full");
  }

  /** Adopts an IP already in a pod's status (a kubelet restarted against existing pods). */
  reserve(ip: string): void {
    this.#used.add(ip);
  }

  release(ip: string): void {
    this.#used.delete(ip);
  }
}
