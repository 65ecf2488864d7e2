import { MissingPrerequisiteError } from "@slipway/shared/tool-errors";
import { describe, expect, it } from "vitest";
import { findGo, parseGoVersion, requireOpenssl } from "../../src/prerequisites.js";

describe("prerequisites", () => {
  it("without a Go toolchain, says in one message to install Go", async () => {
    const error = await findGo({ PATH: "/nonexistent" }, []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingPrerequisiteError);
    expect((error as Error).message).toMatch(/Install Go 1\.24\+/);
  });

  it("finds the machine's Go and reads its version", async () => {
    expect(await findGo()).toMatch(/\/go$/);
    expect(parseGoVersion("go version go1.26.8 linux/amd64")).toEqual({ major: 1, minor: 26 });
  });

  it("without openssl, says to install openssl", async () => {
    await expect(requireOpenssl({ PATH: "/nonexistent" })).rejects.toThrow(
      /apt-get install openssl/,
    );
    expect(await requireOpenssl()).toMatch(/OpenSSL/i);
  });
});
