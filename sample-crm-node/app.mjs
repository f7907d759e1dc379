// The signup sample's third function, in JavaScript with the official Inngest SDK: on
// app/user.signup it adds the user to a CRM. The "CRM" is a stand-in that keeps contacts in
// memory and serves them at GET /contacts; put a real client in addContact().
//
// fanout runs this function: it syncs it from http://127.0.0.1:3000/api/inngest (set
// fanout.remote.apps[0].url in the sample), fans app/user.signup out to it beside the Java
// functions, and calls it here for each step, keeping the steps in its own tables.
//
//   npm ci && npm start
//
// INNGEST_DEV=1 (the default of "npm start" here) runs unsigned, for a machine of your own. In
// production set INNGEST_SIGNING_KEY instead, and the same key as fanout.remote.apps[0].signing-key.
import http from "node:http";
import { Inngest } from "inngest";
import { serve } from "inngest/node";

if (!process.env.INNGEST_SIGNING_KEY && !process.env.INNGEST_DEV) {
  process.env.INNGEST_DEV = "1";
}

const contacts = [];

async function addContact(user) {
  const contact = { id: "crm-" + (contacts.length + 1), email: user.email, source: "signup", userId: user.id };
  contacts.push(contact);
  return contact;
}

const inngest = new Inngest({ id: "sample-crm" });

const addToCrm = inngest.createFunction(
  { id: "add-to-crm", name: "Add the new user to the CRM", retries: 4, triggers: [{ event: "app/user.signup" }] },
  async ({ event, step }) => {
    const user = event.data.user;
    const contact = await step.run("create-contact", () => addContact(user));
    await step.run("tag-trial", () => {
      contact.tags = ["trial"];
      return contact.tags;
    });
    return { contactId: contact.id, email: user.email };
  },
);

const handler = serve({ client: inngest, functions: [addToCrm] });
const port = Number(process.env.PORT ?? 3000);

http
  .createServer((request, response) => {
    if (request.url === "/contacts") {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(JSON.stringify(contacts, null, 2));
      return;
    }
    return handler(request, response);
  })
  .listen(port, "127.0.0.1", () => {
    console.log(`sample-crm-node serving its functions at http://127.0.0.1:${port}/api/inngest`);
    console.log(`contacts so far: http://127.0.0.1:${port}/contacts`);
  });
