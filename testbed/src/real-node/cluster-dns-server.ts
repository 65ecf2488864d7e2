/**
 * The real node's cluster DNS, the process: UDP on the bridge's gateway address, port 53 (the
 * kubelet's clusterDNS), answering from the apiserver's Services and, for headless ones,
 * their EndpointSlices (cluster-dns.ts decides).
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

interface EndpointSliceList {
  items: {
    metadata: { namespace: string; labels?: Record<string, string> };
    endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[];
  }[];
}

/** Ready endpoint addresses by `namespace/service`, from EndpointSlices. */
function readyEndpoints(slices: EndpointSliceList): Map<string, string[]> {
  const byService = new Map<string, string[]>();
  for (const slice of slices.items) {
    const service = slice.metadata.labels?.["kubernetes.io/service-name"];
    if (!service) continue;
    const key = `${slice.metadata.namespace}/${service}`;
    const ready = (slice.endpoints ?? []).filter((e) => e.conditions?.ready !== false);
    byService.set(key, [...(byService.get(key) ?? []), ...ready.flatMap((e) => e.addresses)]);
  }
  return byService;
}

/**
 * Services' addresses by `namespace/name` (a headless one's: its ready endpoints), listed again
 * when older than a second (one list at a time).
 */
function makeServiceDirectory(client: KubeClient) {
  let services = new Map<string, string[]>();
  let listedAt = 0;
  let listing: Promise<void> | undefined;
  const relist = async () => {
    try {
      const [list, slices] = await Promise.all([
        client.get<ServiceList>("/api/v1/services"),
        client.get<EndpointSliceList>("/apis/discovery.k8s.io/v1/endpointslices"),
      ]);
      const endpoints = readyEndpoints(slices);
      services = new Map(
        list.items.map((s) => {
          const key = `${s.metadata.namespace}/${s.metadata.name}`;
          const ip = s.spec.clusterIP;
          return [key, ip && ip !== "None" ? [ip] : (endpoints.get(key) ?? [])];
        }),
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
