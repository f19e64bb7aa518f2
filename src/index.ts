import { createApp } from "./app";
import type { Bindings } from "./lib/types";
import { scheduled } from "./scheduled";
import { queue } from "./queue";

export { RateLimiter } from "./durable-objects/rate-limiter";

const app = createApp();

export default { fetch: app.fetch, scheduled, queue } satisfies ExportedHandler<Bindings>;
