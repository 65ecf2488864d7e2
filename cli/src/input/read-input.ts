import { usageError } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";

/** Reads all of stdin (a pipe or a file), refusing more than `maxBytes`. */
export async function readStdin(io: CliIo, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > maxBytes) throw usageError(`stdin holds more than ${maxBytes} bytes.`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Pure: a value read from a pipe without the one line ending `echo` or a file adds. */
export const withoutFinalNewline = (text: string) => text.replace(/\r?\n$/, "");

/**
 * A secret (a root key, a variable's value): typed without echo at a terminal, or read from
 * stdin when it is a pipe. Never taken from argv, where `ps` and shell history would show it.
 */
export async function readSecret(io: CliIo, prompt: string, maxBytes = 65_536): Promise<string> {
  const stdin = io.stdin;
  if (!stdin.isTTY || !stdin.setRawMode || !stdin.on || !stdin.off) {
    return withoutFinalNewline(await readStdin(io, maxBytes));
  }
  io.stderr.write(prompt);
  const on = stdin.on.bind(stdin);
  const off = stdin.off.bind(stdin);
  stdin.setRawMode(true);
  stdin.resume?.();
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = "";
      const onData = (chunk: Buffer | string) => {
        for (const character of chunk.toString()) {
          if (character === "\r" || character === "\n") {
            off("data", onData);
            resolve(typed);
            return;
          }
          if (character === "\u0003") {
            off("data", onData);
            reject(usageError("Cancelled."));
            return;
          }
          if (character === "\u007f" || character === "\b") typed = typed.slice(0, -1);
          else if (typed.length < maxBytes) typed += character;
        }
      };
      on("data", onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause?.();
    io.stderr.write("\n");
  }
}
