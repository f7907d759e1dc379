// Sends events to fanout's HTTP event API with the official Inngest TypeScript SDK, as any
// Node.js application would, and prints the ids fanout answered as JSON.
//
//   node send.mjs <baseUrl> <eventKey>     (or INNGEST_BASE_URL / INNGEST_EVENT_KEY)
//
// baseUrl is the fanout base path with a trailing slash, e.g. http://localhost:8080/fanout/:
// the SDK resolves "e/<key>" against it, so without the slash the last segment is replaced.
// Exits non-zero, with the SDK's error on stderr, when a send fails.
import { Inngest } from "inngest";

const baseUrl = process.argv[2] ?? process.env.INNGEST_BASE_URL;
const eventKey = process.argv[3] ?? process.env.INNGEST_EVENT_KEY;
if (!baseUrl || !eventKey) {
  console.error("usage: node send.mjs <baseUrl> <eventKey>");
  process.exit(2);
}

const inngest = new Inngest({ id: "fanout-test", eventKey, baseUrl });

try {
  const single = await inngest.send({
    name: "sdk/user.signup",
    data: { email: "ada@example.com", plan: "pro" },
    user: { id: 42 },
  });
  const batch = await inngest.send([
    { name: "sdk/user.signup", data: { email: "grace@example.com" } },
    { id: "sdk-explicit-id-" + Date.now(), name: "sdk/user.signup", data: { email: "alan@example.com" }, v: "2024-01-01" },
  ]);
  console.log(JSON.stringify({ single: single.ids, batch: batch.ids }));
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
