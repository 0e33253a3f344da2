// Reads an MCAP file with the official TypeScript libraries and prints, as JSON, its header profile,
// its channels (with their schemas, parsed) and every message decoded from CDR.
// Usage: node read.cjs FILE.mcap
"use strict";
const fs = require("node:fs/promises");
const { McapIndexedReader } = require("@mcap/core");
const { loadDecompressHandlers } = require("@mcap/support");
const { parse } = require("@foxglove/rosmsg");
const { MessageReader } = require("@foxglove/rosmsg2-serialization");

async function main() {
  const handle = await fs.open(process.argv[2], "r");
  const readable = {
    size: async () => BigInt((await handle.stat()).size),
    read: async (offset, length) => {
      const buf = Buffer.alloc(Number(length));
      await handle.read(buf, 0, Number(length), Number(offset));
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
    },
  };
  const reader = await McapIndexedReader.Initialize({ readable, decompressHandlers: await loadDecompressHandlers() });
  const out = {
    profile: reader.header.profile,
    library: reader.header.library,
    chunks: reader.chunkIndexes.length,
    compression: [...new Set(reader.chunkIndexes.map((c) => c.compression))],
    messageCount: reader.statistics ? reader.statistics.messageCount : null,
    channels: {},
    messages: [],
  };
  const decoders = new Map();
  for (const [id, channel] of reader.channelsById) {
    const schema = reader.schemasById.get(channel.schemaId);
    const text = new TextDecoder().decode(schema.data);
    const definitions = parse(text, { ros2: true });
    decoders.set(id, new MessageReader(definitions));
    out.channels[channel.topic] = {
      schemaName: schema.name,
      schemaEncoding: schema.encoding,
      messageEncoding: channel.messageEncoding,
      metadata: Object.fromEntries(channel.metadata),
      definitionNames: definitions.map((d) => d.name ?? ""),
    };
  }
  for await (const m of reader.readMessages()) {
    out.messages.push({
      topic: reader.channelsById.get(m.channelId).topic,
      sequence: m.sequence,
      logTime: m.logTime,
      message: decoders.get(m.channelId).readMessage(m.data),
    });
  }
  await handle.close();
  process.stdout.write(JSON.stringify(out, (key, value) =>
    typeof value === "bigint" ? value.toString() : ArrayBuffer.isView(value) ? Array.from(value) : value));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
