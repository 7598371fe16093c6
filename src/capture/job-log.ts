import { randomBytes } from 'node:crypto';

/**
 * Text the runner cannot read as a workflow command, on one line: `##[` works anywhere in a line, so it gets
 * an invisible break (U+200B); a bare CR or an LF would start a new line, so each shows as a symbol (␍, ␤).
 */
export function inert(text: string): string {
  return text.replace(/##\[/g, '##\u200b[').replace(/\r/g, '\u240d').replace(/\n/g, '\u2424');
}

/**
 * Echoes build output into the job log with workflow commands stopped: the first line opens a
 * `::stop-commands::<token>` region (a fresh random token, which the build cannot guess), `resume()`
 * closes it. Anything the action itself says (a warning, an annotation) must come after `resume()`:
 * the runner ignores commands inside the region, the action's own included.
 */
export class BuildEcho {
  private token: string | null = null;

  constructor(private readonly write: (line: string) => void) {}

  line(text: string): void {
    if (!this.token) {
      this.token = randomBytes(16).toString('hex');
      this.write(`::stop-commands::${this.token}`);
    }
    this.write(inert(text));
  }

  resume(): void {
    if (!this.token) return;
    this.write(`::${this.token}::`);
    this.token = null;
  }
}
