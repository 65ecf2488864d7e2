import { WAKE_DEPLOYMENT_PATH, type WakeState } from "@slipway/shared/gateway";

/** Asks the control plane to start an idle deployment; Sentinel never writes the database. */
export interface WakeRequester {
  requestWake(deploymentId: string, signal: AbortSignal): Promise<WakeState>;
}

export interface ControlPlaneWakeOptions {
  /** The control plane's base URL (`SENTINEL_CONTROL_PLANE_URL`). */
  baseUrl: string;
  /** `SENTINEL_CONTROL_PLANE_TOKEN`, the control plane's `SLIPWAY_SENTINEL_TOKEN`. */
  token: string;
  fetch?: typeof fetch;
}

export class WakeRequestFailed extends Error {
  override name = "WakeRequestFailed";
}

/**
 * `POST /internal/sentinel/wakeDeployment` with Sentinel's own credential. An answer other than
 * a 200 with a known state is an error; its message carries the status and the envelope's
 * detail, never the token.
 */
export class ControlPlaneWakeRequester implements WakeRequester {
  private readonly url: string;
  private readonly send: typeof fetch;

  constructor(private readonly options: ControlPlaneWakeOptions) {
    this.url = new URL(WAKE_DEPLOYMENT_PATH, options.baseUrl).toString();
    this.send = options.fetch ?? fetch;
  }

  async requestWake(deploymentId: string, signal: AbortSignal): Promise<WakeState> {
    const response = await this.send(this.url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${this.options.token}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ deploymentId }),
      signal,
    });
    const text = (await response.text()).slice(0, 4096);
    let body: { data?: { state?: unknown }; error?: { detail?: unknown } } = {};
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (a proxy's error page): reported by status below.
    }
    const state = body.data?.state;
    if (response.status === 200 && (state === "waking" || state === "not_idle")) return state;
    const detail = typeof body.error?.detail === "string" ? `: ${body.error.detail}` : "";
    throw new WakeRequestFailed(`the control plane answered ${response.status}${detail}`);
  }
}
