// The line that answers a copy button: "Copying …" while the host writes the clipboard, then
// "Copied …" once it has, or why it could not. Cleared a few seconds after the answer.
import { visibleText } from '../core/visibleText';

const SHOWN_MS = 4000;

export class CopyStatus {
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Only the latest copy's answer is shown. */
  private latest = 0;

  constructor(private readonly element: { textContent: string | null }) {}

  /** Shows how `copied` (the host's write of `what`) goes; resolves when it has been answered. */
  async track(copied: Promise<void>, what: string): Promise<void> {
    const id = ++this.latest;
    this.clearTimer();
    this.element.textContent = visibleText(`Copying ${what}…`);
    let text: string;
    try {
      await copied;
      text = `Copied ${what}.`;
    } catch (err) {
      text = `Could not copy ${what}: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (id !== this.latest) return;
    this.show(text);
  }

  /** Any other message on the same line (it replaces a copy's answer). */
  show(text: string, clearAfter = true): void {
    this.clearTimer();
    this.element.textContent = visibleText(text);
    if (clearAfter) this.timer = setTimeout(() => (this.element.textContent = ''), SHOWN_MS);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
