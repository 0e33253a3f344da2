// Writes an MCAP file in the ROS 2 profile with the official TypeScript writer: N geometry_msgs/Twist
// messages on TOPIC, 20 ms apart, linear = (i, 0.5, 0), angular = (0, 0, -i), CDR-encoded.
// Usage: node write.cjs FILE.mcap TOPIC N
"use strict";
const fs = require("node:fs/promises");
const { McapWriter } = require("@mcap/core");
const { parse } = require("@foxglove/rosmsg");
const { MessageWriter } = require("@foxglove/rosmsg2-serialization");

const TWIST = [
  "geometry_msgs/Vector3 linear",
  "geometry_msgs/Vector3 angular",
  "=".repeat(80),
  "MSG: geometry_msgs/Vector3",
  "float64 x",
  "float64 y",
  "float64 z",
  "",
].join("\n");

const QOS = "- history: 1\n  depth: 10\n  reliability: 1\n  durability: 2\n";

async function main() {
  const [file, topic, count] = [process.argv[2], process.argv[3], Number(process.argv[4])];
  const handle = await fs.open(file, "w");
  let position = 0n;
  const writable = {
    position: () => position,
    write: async (buffer) => {
      await handle.write(buffer);
      position += BigInt(buffer.byteLength);
    },
  };
  const writer = new McapWriter({ writable, chunkSize: 1024 });
  await writer.start({ profile: "ros2", library: "@mcap/core" });
  const schemaId = await writer.registerSchema({
    name: "geometry_msgs/msg/Twist", encoding: "ros2msg", data: new TextEncoder().encode(TWIST),
  });
  const channelId = await writer.registerChannel({
    topic, schemaId, messageEncoding: "cdr", metadata: new Map([["offered_qos_profiles", QOS]]),
  });
  const encoder = new MessageWriter(parse(TWIST, { ros2: true }));
  const t0 = 1700000000000000000n;
  for (let i = 0; i < count; i++) {
    const time = t0 + BigInt(i) * 20000000n;
    await writer.addMessage({
      channelId, sequence: i, logTime: time, publishTime: time,
      data: encoder.writeMessage({ linear: { x: i, y: 0.5, z: 0 }, angular: { x: 0, y: 0, z: -i } }),
    });
  }
  await writer.end();
  await handle.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
