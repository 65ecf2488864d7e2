/**
 * One request's "the client went away": what an AbortController would say, without one per
 * request (in Node 20 an AbortController, its EventTarget listeners and the DOMException on
 * abort showed in profiles of the request path). One listener at a time: whoever currently
 * waits on the exchange (a wake, a forwarding attempt) registers, and unregisters when done.
 */
export class Cancellation {
  private listener: ((reason: Error) => void) | undefined;
  reason: Error | undefined;

  get cancelled(): boolean {
    return this.reason !== undefined;
  }

  cancel(reason: Error): void {
    if (this.reason) return;
    this.reason = reason;
    const listener = this.listener;
    this.listener = undefined;
    listener?.(reason);
  }

  /**
   * `work`'s result, or `cancelledResult` as soon as the client goes away; `work` itself goes on
   * (a wake shared with other requests keeps running for them).
   */
  race<T>(work: Promise<T>): Promise<T | typeof cancelledResult> {
    return new Promise((resolve, reject) => {
      const remove = this.onCancel(() => resolve(cancelledResult));
      work.then(
        (value) => {
          remove();
          resolve(value);
        },
        (error: unknown) => {
          remove();
          reject(error);
        },
      );
    });
  }

  /** Calls `listener` on cancel (at once when already cancelled); returns its removal. */
  onCancel(listener: (reason: Error) => void): () => void {
    if (this.reason) {
      listener(this.reason);
      return noop;
    }
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = undefined;
    };
  }
}

const noop = () => undefined;

export const cancelledResult = "cancelled" as const;
