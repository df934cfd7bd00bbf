// Human output for long work: a one-line progress bar on stderr (redrawn on a TTY, throttled lines otherwise).
export class ProgressBar {
  private last = 0;
  constructor(
    private readonly label: string,
    private readonly enabled = true,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  update(fraction: number, detail = ''): void {
    if (!this.enabled) return;
    const now = Date.now();
    const f = Math.max(0, Math.min(1, fraction));
    if (!this.out.isTTY && now - this.last < 2000 && f < 1) return;
    this.last = now;
    const width = 28;
    const filled = Math.round(f * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const line = `${this.label} ${bar} ${(f * 100).toFixed(0).padStart(3)}% ${detail}`;
    if (this.out.isTTY) this.out.write(`\r${line.slice(0, (this.out.columns ?? 120) - 1)}\x1b[K`);
    else this.out.write(`${line}\n`);
  }

  done(message?: string): void {
    if (!this.enabled) return;
    if (this.out.isTTY) this.out.write('\r\x1b[K');
    if (message) this.out.write(`${message}\n`);
  }
}
