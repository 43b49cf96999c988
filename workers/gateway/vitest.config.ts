import { workerProject } from "../../vitest.worker.ts";

/**
 * A stand-in domain Worker: answers every forwarded request 200 with what it
 * received (404 for paths ending in /missing) and how many it has served.
 */
const service = (name: string, rpc = { state: "", methods: "" }) => ({
  name,
  modules: true,
  script: `import { WorkerEntrypoint } from "cloudflare:workers";
    let served = 0;
    ${rpc.state}
    export default class extends WorkerEntrypoint {
      async fetch(request) {
        const url = new URL(request.url);
        const body = request.body ? await request.text() : "";
        const seen = {
          service: "${name}",
          method: request.method,
          path: url.pathname + url.search,
          served: ++served,
          bytes: body.length,
          headers: Object.fromEntries(request.headers),
        };
        return Response.json(seen, { status: url.pathname.endsWith("/missing") ? 404 : 200 });
      }
      ${rpc.methods}
    }`,
});

// The signing keys the tests publish (auth's jwks()), and the memberships they give users (vendors' membership()).
const auth = {
  state: "const keys = [];",
  methods: `jwks() { return { keys }; }
    publishKeys(published) { keys.push(...published); }`,
};
const vendors = {
  state: "const memberships = new Map();",
  methods: `membership(userId) {
      const found = memberships.get(userId);
      if (found === "unavailable") throw new Error("vendors is down");
      return found ?? null;
    }
    setMembership(userId, membership) { memberships.set(userId, membership); }`,
};

export default workerProject("gateway", {
  // Small enough for a test to reach.
  bindings: {
    REGISTER_LIMIT_PER_IP: "3",
    CHECKOUT_LIMIT_PER_ACCOUNT: "2",
    PASSWORD_RESET_LIMIT_PER_IP: "3",
    PASSWORD_RESET_LIMIT_PER_EMAIL: "2",
    VERIFY_RESEND_LIMIT_PER_ACCOUNT: "2",
    MAX_BODY_BYTES: "1024",
  },
  // Every service the gateway binds must exist for workerd to start.
  workers: [
    service("auth", auth),
    service("users"),
    service("vendors", vendors),
    service("catalog"),
    service("orders"),
    service("payments"),
    service("shipping"),
    service("notifications"),
    service("reviews"),
  ],
});
