/** The demo's progress lines: each step with the time since the start, and a heartbeat. */

const HEARTBEAT_MS = 10_000;

export class DemoProgress {
  private readonly t0 = Date.now();

  constructor(private readonly out: (line: string) => void = (l) => console.log(l)) {}

  say(line: string): void {
    this.out(line);
  }

  step(title: string): void {
    this.out(`\n== ${title}  (t+${this.seconds(this.t0)} s)`);
  }

  /**
   * Runs a long step, saying every 10 s that it is still running and at the end how long it
   * took, so a slow machine is never silent for long.
   */
  async timed<T>(what: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    const beat = setInterval(
      () => this.out(`   … ${what} (${this.seconds(started)} s)`),
      HEARTBEAT_MS,
    );
    try {
      const result = await work();
      this.out(`   ${what}: done in ${this.seconds(started)} s`);
      return result;
    } finally {
      clearInterval(beat);
    }
  }

  private seconds(since: number): string {
    return ((Date.now() - since) / 1000).toFixed(1);
  }
}
