// A Foxglove WebSocket protocol client (the official @foxglove/ws-protocol FoxgloveClient over `ws`) that
// observes a Myelin server and prints what it saw as one JSON object on stdout.
//
//   node foxglove-client.mjs decode URL COUNT TOPIC...
//     waits for serverInfo and the advertisement of every TOPIC, subscribes to each, decodes COUNT messages per
//     topic with the advertised ros2msg schema (@foxglove/rosmsg + @foxglove/rosmsg2-serialization), then
//     unsubscribes from the first topic and counts what still arrives for it, and disconnects.
//   node foxglove-client.mjs stall URL TOPIC
//     subscribes to TOPIC, reads one message, then stops reading from the socket; prints "stalled" on stderr and
//     stays connected until stdin closes.
//   node foxglove-client.mjs read URL TOPIC
//     subscribes to TOPIC and counts messages until stdin closes; prints the count.
import wsProtocol from "@foxglove/ws-protocol";
import rosmsg from "@foxglove/rosmsg";
import rosmsg2 from "@foxglove/rosmsg2-serialization";
import WebSocket from "ws";

const { FoxgloveClient } = wsProtocol;
const { parse } = rosmsg;
const { MessageReader } = rosmsg2;

const [mode, url, ...rest] = process.argv.slice(2);
const fail = (msg) => {
  console.error("foxglove-client: " + msg);
  process.exit(2);
};
setTimeout(() => fail("timed out"), 60_000).unref();

const ws = new WebSocket(url, [FoxgloveClient.SUPPORTED_SUBPROTOCOL]);
const client = new FoxgloveClient({ ws });
const channels = new Map(); // topic -> channel
let serverInfo = null;
const statuses = [];
client.on("serverInfo", (info) => (serverInfo = info));
client.on("status", (s) => statuses.push(s));
client.on("error", (e) => fail("error: " + e));
client.on("advertise", (list) => list.forEach((c) => channels.set(c.topic, c)));
client.on("unadvertise", (ids) => {
  for (const [t, c] of channels) if (ids.includes(c.id)) channels.delete(t);
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(pred, what) {
  for (let i = 0; i < 400; i++) {
    if (pred()) return;
    await sleep(50);
  }
  fail("no " + what + " (advertised: " + [...channels.keys()].join(", ") + ")");
}
const stdinClosed = () =>
  new Promise((resolve) => {
    process.stdin.on("end", resolve);
    process.stdin.on("close", resolve);
    process.stdin.resume();
  });

// JSON cannot hold bigint or typed arrays: write them as numbers and plain arrays.
const plain = (v) =>
  JSON.parse(
    JSON.stringify(v, (k, x) =>
      typeof x === "bigint" ? Number(x) : ArrayBuffer.isView(x) ? Array.from(x, (e) => (Number.isFinite(e) ? e : String(e))) : x,
    ),
  );

if (mode === "decode") {
  const count = Number(rest[0]);
  const topics = rest.slice(1);
  await waitFor(() => serverInfo && topics.every((t) => channels.has(t)), "advertisement of " + topics.join(", "));
  const got = new Map(topics.map((t) => [t, []]));
  const readers = new Map();
  const bySub = new Map();
  for (const t of topics) {
    const c = channels.get(t);
    readers.set(t, new MessageReader(parse(c.schema, { ros2: true })));
    bySub.set(client.subscribe(c.id), t);
  }
  let afterUnsubscribe = 0;
  let unsubscribed = null;
  client.on("message", ({ subscriptionId, timestamp, data }) => {
    const t = bySub.get(subscriptionId);
    if (t === undefined) return fail("message for unknown subscription " + subscriptionId);
    if (subscriptionId === unsubscribed) {
      afterUnsubscribe++;
      return;
    }
    const list = got.get(t);
    if (list.length < count) {
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      list.push({ receiveTimeNs: Number(timestamp), message: plain(readers.get(t).readMessage(bytes)) });
    }
  });
  await waitFor(() => topics.every((t) => got.get(t).length >= count), count + " messages on every topic");
  const first = [...bySub.entries()].find(([, t]) => t === topics[0])[0];
  client.unsubscribe(first);
  await sleep(300); // messages already on the wire when the server got the request
  unsubscribed = first;
  await sleep(700);
  const out = {
    serverInfo,
    channels: topics.map((t) => channels.get(t)),
    messages: Object.fromEntries(got),
    afterUnsubscribe,
    statuses,
  };
  process.stdout.write(JSON.stringify(out) + "\n");
  client.close();
  process.exit(0);
} else if (mode === "stall" || mode === "read") {
  const topic = rest[0];
  await waitFor(() => channels.has(topic), "advertisement of " + topic);
  let received = 0;
  client.on("message", () => {
    received++;
    if (mode === "stall" && received === 1) {
      ws._socket.pause(); // stop reading: the server's writes pile up in the socket buffers
      console.error("stalled");
    }
  });
  client.subscribe(channels.get(topic).id);
  if (mode === "read") console.error("reading");
  await stdinClosed();
  process.stdout.write(JSON.stringify({ received, statuses }) + "\n");
  process.exit(0);
} else {
  fail("mode must be decode, stall or read, got " + mode);
}
