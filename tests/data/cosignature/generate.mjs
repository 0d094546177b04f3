// Makes vector.txt: a c2sp.org/tlog-cosignature/v1 cosignature of a fixed checkpoint by a
// witness with a fixed Ed25519 seed, written from the spec's text alone with TweetNaCl.js
// (its own Ed25519) and Node's SHA-256. tests/unit/tlog_cosignature_vector_test.cpp checks
// the server's code reproduces every line byte for byte and verifies it.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import nacl from "tweetnacl";

const name = "witness.example.org/w1";
const seed = Uint8Array.from({ length: 32 }, (_, i) => i); // 00 01 02 ... 1f
const timestamp = 1764547200n; // 2025-12-01T00:00:00Z
// The checkpoint body of c2sp.org/tlog-checkpoint: origin, size, base64 root hash.
const checkpoint = "example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n";

const keyPair = nacl.sign.keyPair.fromSeed(seed);
// tlog-cosignature/v1 keys are signed-note keys of type 0x04.
const keyMaterial = Buffer.concat([Buffer.from([0x04]), Buffer.from(keyPair.publicKey)]);
// key id = SHA-256(name || 0x0A || type || public key)[:4]
const keyId = createHash("sha256")
  .update(Buffer.concat([Buffer.from(name, "utf8"), Buffer.from([0x0a]), keyMaterial]))
  .digest()
  .subarray(0, 4);
const verifierKey = `${name}+${keyId.toString("hex")}+${keyMaterial.toString("base64")}`;

// The signed message: "cosignature/v1\ntime <seconds>\n" followed by the checkpoint body.
const message = `cosignature/v1\ntime ${timestamp}\n${checkpoint}`;
const signature = nacl.sign.detached(Buffer.from(message, "utf8"), keyPair.secretKey);
const time = Buffer.alloc(8);
time.writeBigUInt64BE(timestamp);
// The note signature line: "— <name> base64(key id || 8-byte big-endian time || signature)".
const line = `\u2014 ${name} ${Buffer.concat([keyId, time, Buffer.from(signature)]).toString("base64")}`;

writeFileSync(
  new URL("vector.txt", import.meta.url),
  [
    `seed ${Buffer.from(seed).toString("hex")}`,
    `name ${name}`,
    `time ${timestamp}`,
    `checkpoint ${checkpoint.replaceAll("\n", "\\n")}`,
    `verifier-key ${verifierKey}`,
    `message-hex ${Buffer.from(message, "utf8").toString("hex")}`,
    `cosignature ${line}`,
    "",
  ].join("\n"),
);
console.log(verifierKey);
console.log(line);
