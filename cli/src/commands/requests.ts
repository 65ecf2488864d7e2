import { type Command, Option } from "commander";
import type { RequestLogEntry } from "../api/slipway-api.js";
import { usageError } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import { sanitizeLine } from "../output/progress.js";
import { formatTime, renderTable } from "../output/table.js";
import { followRequests } from "../requests/follow-requests.js";
import { FilterError, requestLogFilter } from "../requests/request-filters.js";
import { commandContext, examples, positiveInteger } from "./command-context.js";

const headers = ["TIME", "STATUS", "METHOD", "HOST", "PATH", "MS", "OUTCOME", "DEPLOYMENT"];
const cells = (entry: RequestLogEntry) => [
  formatTime(entry.time),
  String(entry.status),
  entry.method,
  entry.host,
  sanitizeLine(entry.path).slice(0, 80),
  String(entry.totalLatencyMs),
  entry.policyName ? `${entry.outcome} (${sanitizeLine(entry.policyName)})` : entry.outcome,
  entry.deploymentId ?? "",
];

interface RequestsOptions {
  status?: string[];
  method?: string[];
  host?: string[];
  path?: string;
  deployment?: string;
  requestId?: string[];
  since?: string;
  limit: number;
  cursor?: string;
  follow?: boolean;
  pollInterval: number;
}

export function requestsCommand(program: Command, io: CliIo) {
  program
    .command("requests")
    .description("Show Sentinel's request log: what your apps were asked and what they answered")
    .option("--status <status...>", "only these: codes (404), classes (5xx), ranges (200-299)")
    .option("--method <method...>", "only these HTTP methods")
    .option("--host <host...>", "only these hosts")
    .option("--path <prefix>", "only paths starting with this")
    .option("--deployment <id>", "only this deployment's")
    .option("--request-id <id...>", "only these requests (the X-Request-Id a response carried)")
    .option("--since <when>", "from this long ago (15m, 2h, 1d) or this ISO date; default 24h")
    .addOption(
      new Option("--limit <n>", "at most this many (1-100)")
        .default(50)
        .argParser(positiveInteger("--limit")),
    )
    .option("--cursor <cursor>", "continue after an earlier page")
    .option("-f, --follow", "keep printing new requests as they come (Ctrl-C stops)")
    .addOption(
      new Option("--poll-interval <ms>", "how often --follow asks")
        .default(1000)
        .argParser(positiveInteger("--poll-interval"))
        .hideHelp(),
    )
    .addHelpText(
      "after",
      `${examples(
        "slipway requests --status 5xx --since 1h",
        "slipway requests --host shop.example.com --path /api --status 404 --method POST",
        "slipway requests --status 200-299 --deployment dep_123 --output=json",
        "slipway requests --status 4xx 5xx --follow",
      )}
Newest first; with --follow, oldest first as they come (one JSON object a line with --output=json).
`,
    )
    .action(async (options: RequestsOptions, command: Command) => {
      const { output, api: connect } = commandContext(io, command);
      if (options.limit > 100) throw usageError("--limit is at most 100.");
      if (options.path && !options.path.startsWith("/"))
        throw usageError("--path must start with '/'.");
      let filter: ReturnType<typeof requestLogFilter>;
      try {
        filter = requestLogFilter(options, io.now());
      } catch (error) {
        if (error instanceof FilterError) throw usageError(error.message);
        throw error;
      }
      const api = await connect();
      if (options.follow) {
        const print = (entry: RequestLogEntry) =>
          io.stdout.write(
            output.json ? `${JSON.stringify(entry)}\n` : `${cells(entry).join("  ")}\n`,
          );
        await followRequests({
          api,
          filter,
          since: filter.since ?? io.now() - 60_000,
          pollMs: options.pollInterval,
          sleep: io.sleep,
          stopped: () => false,
          print,
        });
        return;
      }
      const page = await api.listRequestLogs({
        ...filter,
        limit: options.limit,
        ...(options.cursor ? { cursor: options.cursor } : {}),
      });
      output.result(
        {
          requests: page.entries,
          pagination: { hasMore: page.hasMore, ...(page.cursor ? { cursor: page.cursor } : {}) },
        },
        ({ requests }) => [
          ...(requests.length > 0
            ? renderTable(headers, requests.map(cells))
            : ["No requests match."]),
          ...(page.hasMore && page.cursor ? [`More: --cursor ${page.cursor}`] : []),
        ],
      );
    });
}
