export const captureLimitBytes = 64 * 1024;

/** Keeps the first 64 KiB of a body that streams past; never holds more, never delays it. */
export class BodyCapture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly limit = captureLimitBytes) {}

  push(chunk: Buffer | Uint8Array | string): void {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk);
    const room = this.limit - this.size;
    if (room <= 0) {
      if (buffer.length > 0) this.truncated = true;
      return;
    }
    if (buffer.length > room) this.truncated = true;
    const kept = buffer.subarray(0, room);
    this.chunks.push(Buffer.from(kept));
    this.size += kept.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}
