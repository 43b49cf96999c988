import { app } from "./app.ts";

export { LoginThrottle } from "#do/login-throttle.ts";
export { RateLimiter } from "#do/rate-limiter.ts";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
