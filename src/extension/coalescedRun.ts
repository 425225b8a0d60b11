// One run of an async job at a time: asked again while it runs, it runs once more when it ends
// (however often it was asked meanwhile). For views that reload on every change of the listing.
export class CoalescedRun {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly job: () => Promise<void>) {}

  /** Settles when no run is due any more. */
  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.job();
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  /** The run under way, if any. */
  get current(): Promise<void> | undefined {
    return this.running;
  }
}
