// Micro-cache for hot dashboard reads (run list pages, run detail). Entries live at most `ttlMs` and are dropped
// at once by any run write in this process (generation bump); writes by workers in other processes (Postgres mode)
// are seen after at most `ttlMs`. Live progress goes through SSE, which never reads this cache.
export class ReadCache {
  private generation = 0;
  private readonly entries = new Map<string, { gen: number; at: number; value: Promise<unknown> }>();

  constructor(
    private readonly ttlMs = 1000,
    private readonly maxEntries = 5000,
  ) {}

  invalidate(): void {
    this.generation++;
    this.entries.clear();
  }

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.gen === this.generation && now - hit.at < this.ttlMs) return hit.value as Promise<T>;
    const gen = this.generation;
    const value = load();
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { gen, at: now, value });
    value.catch(() => this.entries.delete(key));
    return value;
  }
}
