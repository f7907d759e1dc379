// An application of functions written with the official Inngest TypeScript SDK, which fanout
// runs as a remote app (RemoteFunctionsTests). It counts how many times each step body ran and
// serves the counts at GET /counts, so a test can tell that fanout never ran a finished step again.
//
//   PORT=3939 INNGEST_DEV=1 node remote-app.mjs                    (dev mode, unsigned)
//   PORT=3939 INNGEST_SIGNING_KEY=signkey-test-... node remote-app.mjs  (cloud mode, signed)
//
// INNGEST_BASE_URL points at fanout's base path with a trailing slash (step.sendEvent posts
// there); INNGEST_EVENT_KEY is one of fanout.http.event-keys.
import http from "node:http";
import { Inngest, NonRetriableError } from "inngest";
import { serve } from "inngest/node";

// Counts are kept per step and user, such as "create-contact:u1".
const counts = {};
const count = (name) => {
  counts[name] = (counts[name] ?? 0) + 1;
  return counts[name];
};

const inngest = new Inngest({ id: "crm-app" });

const signup = inngest.createFunction(
  { id: "add-to-crm", retries: 2, triggers: [{ event: "app/user.signup" }] },
  async ({ event, step }) => {
    const contact = await step.run("create-contact", () => {
      count("create-contact:" + event.data.userId);
      return { contactId: "c-" + event.data.userId };
    });
    const tagged = await step.run("tag-contact", () => {
      count("tag-contact:" + event.data.userId);
      return contact.contactId + ":" + (event.data.plan ?? "free");
    });
    await step.sleep("settle", "1s");
    const approval = await step.waitForEvent("await-approval", {
      event: "app/user.approved",
      timeout: "1h",
      if: "async.data.userId == event.data.userId",
    });
    await step.sendEvent("announce", { name: "app/crm.added", data: { userId: event.data.userId, tagged } });
    const [left, right] = await Promise.all([
      step.run("score-left", () => {
        count("score-left:" + event.data.userId);
        return 20;
      }),
      step.run("score-right", () => {
        count("score-right:" + event.data.userId);
        return 22;
      }),
    ]);
    const flaky = await step.run("flaky", () => {
      if (count("flaky:" + event.data.userId) === 1) {
        throw new Error("the CRM timed out once");
      }
      return "synced";
    });
    return { contact, tagged, approvedBy: approval?.data?.by ?? null, score: left + right, flaky };
  },
);

const refuse = inngest.createFunction(
  {
    id: "refuse-fraud",
    retries: 3,
    triggers: [{ event: "app/fraud.suspected" }],
    onFailure: async ({ event, error }) => {
      count("on-failure");
      counts.lastFailure = { function: event.data.function_id, message: error.message };
    },
  },
  async () => {
    count("refuse-fraud");
    throw new NonRetriableError("fraud is never retried");
  },
);

const multiply = inngest.createFunction(
  { id: "multiply", triggers: [{ event: "crm/multiply.requested" }] },
  async ({ event, step }) => {
    return await step.run("multiply", () => {
      count("multiply");
      return { product: event.data.x * event.data.y };
    });
  },
);

// fanout cannot evaluate size(): it refuses this function at sync, naming it, and runs the others.
const bulky = inngest.createFunction(
  { id: "bulky-orders", triggers: [{ event: "app/order.placed", if: "size(event.data.items) > 2" }] },
  async () => "never run by fanout",
);

const handler = serve({ client: inngest, functions: [signup, refuse, multiply, bulky] });

const server = http.createServer((request, response) => {
  if (request.url === "/counts") {
    response.writeHead(200, { "Content-Type": "application/json" });
    response.end(JSON.stringify(counts));
    return;
  }
  return handler(request, response);
});
server.listen(Number(process.env.PORT ?? 3939), "127.0.0.1", () => {
  console.log("remote app listening on http://127.0.0.1:" + server.address().port + "/api/inngest");
});
