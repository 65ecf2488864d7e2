// A gRPC service over h2c (HTTP/2 without TLS: Sentinel terminates TLS and forwards h2c, with the
// environment's upstreamProtocol set to "h2c").
import grpc from "@grpc/grpc-js";
import protoLoader from "@grpc/proto-loader";

const definition = protoLoader.loadSync(new URL("./greeter.proto", import.meta.url).pathname, {
  keepCase: false,
  defaults: true,
});
const { Greeter } = grpc.loadPackageDefinition(definition).slipway.examples;

const server = new grpc.Server();
server.addService(Greeter.service, {
  sayHello(call, callback) {
    const name = call.request.name || "world";
    callback(null, {
      message: `Hello, ${name}!`,
      deploymentId: process.env.UNKEY_DEPLOYMENT_ID ?? "",
      instanceId: process.env.UNKEY_INSTANCE_ID ?? "",
      region: process.env.UNKEY_REGION ?? "",
    });
  },
});

const address = `0.0.0.0:${process.env.PORT ?? 8080}`;
server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error) => {
  if (error) throw error;
  console.log(`greeter listening on ${address} (h2c)`);
});
// Slipway stops an instance with SIGTERM: let the calls in flight finish, then exit.
process.on("SIGTERM", () => server.tryShutdown(() => process.exit(0)));
