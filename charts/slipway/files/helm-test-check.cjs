// `helm test`: one GET from inside the cluster (run by `node -e`; its env says what to expect).
// SLIPWAY_TEST_EXPECT=ready: a 200. unknown-host: Sentinel's 404 in the API's error envelope
// ({ meta: { requestId }, error: { status: 404, ... } }) for a host no app has.
const http = require("node:http");
const url = new URL(process.env.SLIPWAY_TEST_URL);
const expect = process.env.SLIPWAY_TEST_EXPECT;
const headers = process.env.SLIPWAY_TEST_HOST ? { host: process.env.SLIPWAY_TEST_HOST } : {};
const what = `GET ${url}${headers.host ? ` (Host: ${headers.host})` : ""}`;
const fail = (why) => {
  console.error(`${what}: ${why}`);
  process.exit(1);
};
const request = http.get(url, { headers, timeout: 10000 }, (response) => {
  let body = "";
  response.setEncoding("utf8");
  response.on("data", (chunk) => {
    if (body.length < 65536) body += chunk;
  });
  response.on("end", () => {
    const status = response.statusCode;
    if (expect === "ready") {
      if (status !== 200) fail(`answered ${status}, not 200: ${body.slice(0, 500)}`);
      console.log(`${what}: 200`);
      return;
    }
    let envelope;
    try {
      envelope = JSON.parse(body);
    } catch {
      fail(`answered ${status} without a JSON envelope: ${body.slice(0, 500)}`);
    }
    if (status !== 404 || envelope?.error?.status !== 404 || !envelope?.meta?.requestId) {
      fail(`answered ${status}, not Sentinel's 404 envelope: ${body.slice(0, 500)}`);
    }
    console.log(`${what}: 404 from Sentinel (request ${envelope.meta.requestId})`);
  });
});
request.on("timeout", () => request.destroy(new Error("no answer within 10 s")));
request.on("error", (error) => fail(error.message));
