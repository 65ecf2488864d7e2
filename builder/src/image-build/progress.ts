import type { BuildEvent, BuildStepTiming } from "@slipway/shared";

/** One line of `buildctl build --progress rawjson`: BuildKit's client.SolveStatus as JSON. */
export interface SolveStatus {
  vertexes?: Array<{
    digest: string;
    name?: string;
    started?: string;
    completed?: string;
    cached?: boolean;
    error?: string;
  }>;
  logs?: Array<{ vertex: string; stream?: number; data: string; timestamp: string }>;
}

interface Step {
  name: string;
  started?: string;
  completed?: string;
  cached: boolean;
  error?: string;
  logTail: string[];
}

const LOG_TAIL = 30;

/**
 * Turns the rawjson stream into BuildEvents. Pure state machine: time comes from BuildKit's own
 * timestamps, and `redact` (which blanks secret values) is applied to every line before it is
 * emitted or kept, because a RUN that echoes a secret would otherwise put it in the logs.
 */
export class ProgressTracker {
  private readonly steps = new Map<string, Step>();
  private readonly partial = new Map<string, string>();

  constructor(private readonly redact: (text: string) => string) {}

  /** Feeds one stdout line of buildctl; returns the events it produced (none for non-JSON). */
  feedLine(line: string): BuildEvent[] {
    let status: SolveStatus;
    try {
      status = JSON.parse(line) as SolveStatus;
    } catch {
      return [];
    }
    return this.feed(status);
  }

  feed(status: SolveStatus): BuildEvent[] {
    const events: BuildEvent[] = [];
    for (const vertex of status.vertexes ?? []) {
      const known = this.steps.get(vertex.digest);
      const step: Step = known ?? {
        name: vertex.name ?? vertex.digest,
        cached: false,
        logTail: [],
      };
      if (!known) this.steps.set(vertex.digest, step);
      if (vertex.name) step.name = vertex.name;
      if (vertex.started && !step.started) {
        step.started = vertex.started;
        events.push({
          type: "step_started",
          stepId: vertex.digest,
          name: step.name,
          at: vertex.started,
        });
      }
      if (vertex.completed && !step.completed) {
        step.completed = vertex.completed;
        step.cached = vertex.cached === true;
        if (vertex.error) step.error = this.redact(vertex.error);
        events.push({
          type: "step_finished",
          stepId: vertex.digest,
          name: step.name,
          at: vertex.completed,
          cached: step.cached,
          ...(step.error ? { error: step.error } : {}),
        });
      }
    }
    for (const log of status.logs ?? []) {
      const stream = log.stream === 2 ? "stderr" : "stdout";
      const key = `${log.vertex} ${stream}`;
      const text = (this.partial.get(key) ?? "") + Buffer.from(log.data, "base64").toString("utf8");
      const lines = text.split(/\r?\n/);
      this.partial.set(key, lines.pop() ?? "");
      for (const line of lines) events.push(this.logEvent(log.vertex, stream, line, log.timestamp));
    }
    return events;
  }

  /** Emits lines still waiting for their newline (at the end of the build). */
  flush(at: string): BuildEvent[] {
    const events: BuildEvent[] = [];
    for (const [key, rest] of this.partial) {
      if (!rest) continue;
      const [vertex = "", stream] = key.split(" ");
      events.push(this.logEvent(vertex, stream === "stderr" ? "stderr" : "stdout", rest, at));
    }
    this.partial.clear();
    return events;
  }

  /** The steps that ran, in the order BuildKit announced them. */
  timings(): BuildStepTiming[] {
    return [...this.steps.values()]
      .filter((step) => step.completed)
      .map((step) => ({
        name: step.name,
        cached: step.cached,
        seconds:
          step.started && step.completed
            ? (Date.parse(step.completed) - Date.parse(step.started)) / 1000
            : 0,
      }));
  }

  /** The step that failed, with the last lines it printed. */
  failedStep(): { name: string; error: string; logTail: string[] } | undefined {
    for (const step of this.steps.values()) {
      if (step.error && !/context canceled/.test(step.error)) {
        return { name: step.name, error: step.error, logTail: [...step.logTail] };
      }
    }
    return undefined;
  }

  private logEvent(
    vertex: string,
    stream: "stdout" | "stderr",
    raw: string,
    at: string,
  ): BuildEvent {
    const line = this.redact(raw);
    const step = this.steps.get(vertex);
    if (step) {
      step.logTail.push(line);
      if (step.logTail.length > LOG_TAIL) step.logTail.shift();
    }
    return { type: "log", stepId: vertex, stream, line, at };
  }
}
