import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { type LeafCertSpec, makeCertPlan, makeExtensionFile, makeSubject } from "./cert-plan.js";

const run = promisify(execFile);

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
  cert(name: string): { cert: string; key: string };
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run("openssl", args, { cwd });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`openssl ${args.join(" ")} failed: ${stderr.trim() || String(error)}`);
  }
}

const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** Issues one leaf certificate with the CA in dir (ca.crt, ca.key): <name>.crt and <name>.key. */
export async function makeLeaf(dir: string, spec: LeafCertSpec): Promise<void> {
  const ext = join(dir, `${spec.name}.ext`);
  await writeFile(ext, makeExtensionFile(spec));
  await openssl(
    [
      "req",
      "-new",
      ...EC_KEY,
      "-keyout",
      `${spec.name}.key`,
      "-out",
      `${spec.name}.csr`,
      "-subj",
      makeSubject(spec),
    ],
    dir,
  );
  await openssl(
    [
      "x509",
      "-req",
      "-in",
      `${spec.name}.csr`,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-set_serial",
      `0x7${randomBytes(8).toString("hex")}`,
      "-days",
      "30",
      "-extfile",
      `${spec.name}.ext`,
      "-out",
      `${spec.name}.crt`,
    ],
    dir,
  );
}

/** A throwaway CA, the certificates of makeCertPlan, and the service-account key pair. */
export async function makePki(
  dir: string,
  serviceCidr: string,
  extraApiserverIps: readonly string[] = [],
): Promise<Pki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await openssl(
    [
      "req",
      "-x509",
      ...EC_KEY,
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-days",
      "30",
      "-subj",
      "/CN=slipway-testbed-ca",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
    ],
    dir,
  );
  await Promise.all([
    ...makeCertPlan(serviceCidr, extraApiserverIps).map((spec) => makeLeaf(dir, spec)),
    (async () => {
      await openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sa.key"], dir);
      await openssl(["ec", "-in", "sa.key", "-pubout", "-out", "sa.pub"], dir);
    })(),
  ]);
  return {
    dir,
    caCert: join(dir, "ca.crt"),
    caKey: join(dir, "ca.key"),
    serviceAccountKey: join(dir, "sa.key"),
    serviceAccountPub: join(dir, "sa.pub"),
    cert: (name) => ({ cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) }),
  };
}
