export const captureLimitBytes = 64 * 1024;

/** Keeps the first 64 KiB of a body that streams past; never holds more, never delays it. */
export class BodyCapture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly limit = captureLimitBytes) {}

  push(chunk: Buffer | Uint8Array | string): void {
    const room = this.limit - this.size;
    if (room <= 0) {
      if (chunk.length > 0) this.truncated = true;
      return;
    }
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    if (buffer.length > room) this.truncated = true;
    // One copy of what is kept: the stream may reuse its buffer after this call.
    const kept = Buffer.allocUnsafe(Math.min(room, buffer.length));
    kept.set(buffer.subarray(0, kept.length));
    this.chunks.push(kept);
    this.size += kept.length;
  }

  text(): string {
    // Most captured bodies arrive in one chunk: no concatenated copy then.
    if (this.chunks.length === 1) return this.chunks[0]!.toString("utf8");
    return Buffer.concat(this.chunks).toString("utf8");
  }
}
