import { createApp } from "./app";
import type { Bindings } from "./lib/types";
import { scheduled } from "./scheduled";

export { RateLimiter } from "./durable-objects/rate-limiter";

const app = createApp();

export default { fetch: app.fetch, scheduled } satisfies ExportedHandler<Bindings>;
