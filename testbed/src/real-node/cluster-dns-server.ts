/**
 * The real node's cluster DNS, the process: UDP on the bridge's gateway address, port 53 (the
 * kubelet's clusterDNS), answering from the apiserver's Services (cluster-dns.ts decides).
 * Started by the real node as a component (`cluster:down` stops it):
 *   node --import tsx cluster-dns-server.ts <address> <kubeconfig> <cluster domain>
 * Services are listed again at most once a second, when a query comes; a failed list keeps
 * answering from the last one.
 */
import { createSocket } from "node:dgram";
import { KubeClient, readKubeconfigFile } from "@slipway/shared/kube";
import {
  answerQuery,
  makeDnsReply,
  makeFormatErrorReply,
  parseDnsQuery,
  type ServiceLookup,
} from "./cluster-dns.js";

const REFRESH_MS = 1000;

interface ServiceList {
  items: { metadata: { name: string; namespace: string }; spec: { clusterIP?: string } }[];
}

/** Services by `namespace/name`, listed again when older than a second (one list at a time). */
function makeServiceDirectory(client: KubeClient) {
  let services = new Map<string, string | null>();
  let listedAt = 0;
  let listing: Promise<void> | undefined;
  const relist = async () => {
    try {
      const list = await client.get<ServiceList>("/api/v1/services");
      services = new Map(
        list.items.map((s) => [
          `${s.metadata.namespace}/${s.metadata.name}`,
          s.spec.clusterIP && s.spec.clusterIP !== "None" ? s.spec.clusterIP : null,
        ]),
      );
      listedAt = Date.now();
    } catch (error) {
      console.error(`listing Services failed: ${String(error)}`);
    }
  };
  return {
    async fresh(): Promise<ServiceLookup> {
      if (Date.now() - listedAt > REFRESH_MS) {
        listing ??= relist().finally(() => {
          listing = undefined;
        });
        await listing;
      }
      return (namespace, name) => services.get(`${namespace}/${name}`);
    },
  };
}

function main(): void {
  const [address, kubeconfig, clusterDomain] = process.argv.slice(2);
  if (!address || !kubeconfig || !clusterDomain) {
    throw new Error("usage: cluster-dns-server <address> <kubeconfig> <cluster domain>");
  }
  const client = new KubeClient(readKubeconfigFile(kubeconfig));
  const directory = makeServiceDirectory(client);
  const socket = createSocket("udp4");
  socket.on("message", (packet, peer) => {
    const query = parseDnsQuery(packet);
    const reply = query
      ? directory
          .fresh()
          .then((lookup) => makeDnsReply(query, answerQuery(query, clusterDomain, lookup)))
      : Promise.resolve(makeFormatErrorReply(packet));
    void reply.then((bytes) => socket.send(bytes, peer.port, peer.address));
  });
  socket.on("error", (error) => {
    console.error(`cluster DNS: ${String(error)}`);
    process.exit(1);
  });
  socket.bind(53, address, () => console.log(`cluster DNS for ${clusterDomain} on ${address}:53`));
  const stop = () => socket.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main();
