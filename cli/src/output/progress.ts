import type { CliIo, TextSink } from "../cli-io.js";
import { formatElapsed } from "./units.js";

/** How a long command (deploy, logs --follow) shows where it is. */
export interface Progress {
  /** Ends the current step (done) and starts the next. */
  step(name: string): void;
  /** A line of the build log. */
  log(message: string): void;
  /** Ends the current step: done, or failed. */
  end(outcome: "done" | "failed", note?: string): void;
}

const spinnerFrames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const tailLines = 8;

interface FrameState {
  step?: { name: string; startedAt: number };
  tail: readonly string[];
}

/** Pure: the live block under the finished steps: spinner, step, elapsed, the log's last lines. */
export function renderLiveFrame(state: FrameState, now: number, tick: number, columns: number) {
  if (!state.step) return [];
  const spinner = spinnerFrames[tick % spinnerFrames.length];
  const width = Math.max(20, columns - 4);
  const clip = (line: string) => (line.length > width ? `${line.slice(0, width - 1)}…` : line);
  return [
    `${spinner} ${state.step.name} ${formatElapsed(now - state.step.startedAt)}`,
    ...state.tail.map((line) => `  │ ${clip(line)}`),
  ];
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are what it removes
const escapeSequences = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|[\x00-\x08\x0a-\x1f\x7f]/g;

/** Pure: a build log line made safe to print (no terminal escapes from the build). */
export const sanitizeLine = (line: string) => line.replace(escapeSequences, "");

/** A terminal: finished steps stay, the live block is redrawn ten times a second. */
class TerminalProgress implements Progress {
  readonly #sink: TextSink;
  readonly #now: () => number;
  #state: FrameState = { tail: [] };
  #drawnLines = 0;
  #tick = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(sink: TextSink, now: () => number) {
    this.#sink = sink;
    this.#now = now;
  }

  step(name: string) {
    this.#finishStep("✓");
    this.#state = { step: { name, startedAt: this.#now() }, tail: [] };
    this.#timer ??= setInterval(() => {
      this.#tick += 1;
      this.#redraw();
    }, 100);
    this.#timer.unref?.();
    this.#redraw();
  }

  log(message: string) {
    this.#state = {
      ...this.#state,
      tail: [...this.#state.tail, sanitizeLine(message)].slice(-tailLines),
    };
    this.#redraw();
  }

  end(outcome: "done" | "failed", note?: string) {
    this.#finishStep(outcome === "done" ? "✓" : "✗", note);
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #finishStep(mark: string, note?: string) {
    const step = this.#state.step;
    this.#clear();
    if (step) {
      const elapsed = formatElapsed(this.#now() - step.startedAt);
      const tail = mark === "✗" ? this.#state.tail.map((line) => `  │ ${line}\n`).join("") : "";
      this.#sink.write(`${mark} ${step.name} (${elapsed})${note ? ` ${note}` : ""}\n${tail}`);
    }
    this.#state = { tail: [] };
  }

  #clear() {
    if (this.#drawnLines > 0) this.#sink.write(`\x1b[${this.#drawnLines}F\x1b[0J`);
    this.#drawnLines = 0;
  }

  #redraw() {
    const frame = renderLiveFrame(this.#state, this.#now(), this.#tick, this.#sink.columns ?? 80);
    this.#clear();
    if (frame.length > 0) this.#sink.write(`${frame.join("\n")}\n`);
    this.#drawnLines = frame.length;
  }
}

/** A pipe or a CI log: one plain line per step and per log line, with the time since the start. */
class PlainProgress implements Progress {
  readonly #sink: TextSink;
  readonly #now: () => number;
  readonly #startedAt: number;
  #step: { name: string; startedAt: number } | undefined;

  constructor(sink: TextSink, now: () => number) {
    this.#sink = sink;
    this.#now = now;
    this.#startedAt = now();
  }

  step(name: string) {
    this.end("done");
    this.#step = { name, startedAt: this.#now() };
    this.#sink.write(`[${formatElapsed(this.#now() - this.#startedAt)}] ${name}\n`);
  }

  log(message: string) {
    this.#sink.write(`  ${sanitizeLine(message)}\n`);
  }

  end(outcome: "done" | "failed", note?: string) {
    const step = this.#step;
    if (!step) return;
    this.#step = undefined;
    const elapsed = formatElapsed(this.#now() - step.startedAt);
    this.#sink.write(
      `[${formatElapsed(this.#now() - this.#startedAt)}] ${step.name}: ${outcome} (${elapsed})${note ? ` ${note}` : ""}\n`,
    );
  }
}

const silent: Progress = { step() {}, log() {}, end() {} };

/** Progress on stderr: live in a terminal, plain lines in a pipe, none with `--output=json`. */
export function makeProgress(io: CliIo, json: boolean): Progress {
  if (json) return silent;
  return io.stderr.isTTY && io.env.TERM !== "dumb"
    ? new TerminalProgress(io.stderr, () => io.now())
    : new PlainProgress(io.stderr, () => io.now());
}
