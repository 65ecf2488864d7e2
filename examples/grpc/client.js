// node client.js <host:port> [name] [--tls]: calls Greeter.SayHello once and prints the reply.
import grpc from "@grpc/grpc-js";
import protoLoader from "@grpc/proto-loader";

const [target = "127.0.0.1:8080", name = "slipway"] = process.argv
  .slice(2)
  .filter((arg) => !arg.startsWith("--"));
const credentials = process.argv.includes("--tls")
  ? grpc.credentials.createSsl()
  : grpc.credentials.createInsecure();
const definition = protoLoader.loadSync(new URL("./greeter.proto", import.meta.url).pathname, {
  defaults: true,
});
const { Greeter } = grpc.loadPackageDefinition(definition).slipway.examples;
const client = new Greeter(target, credentials);
client.sayHello({ name }, (error, reply) => {
  if (error) {
    console.error(`${error.code} ${error.details}`);
    process.exit(1);
  }
  console.log(JSON.stringify(reply));
  client.close();
});
