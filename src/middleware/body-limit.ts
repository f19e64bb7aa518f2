import type { MiddlewareHandler } from "hono";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import { IMPORT_MAX_BODY_BYTES, MAX_BODY_BYTES } from "../config";
import { ApiError } from "../errors";

const limitOf = (maxSize: number) =>
  honoBodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError("PAYLOAD_TOO_LARGE", `Request body exceeds ${maxSize} bytes`);
    },
  });

const standard = limitOf(MAX_BODY_BYTES);
// The user import carries up to 1,000 users (hashes, 4 KiB metadata objects): its own, documented cap.
const imports = limitOf(IMPORT_MAX_BODY_BYTES);
const IMPORT_PATH = /^\/api\/admin\/projects\/[^/]+\/users\/import$/;

export const bodyLimit = (): MiddlewareHandler => (c, next) => (c.req.method === "POST" && IMPORT_PATH.test(c.req.path) ? imports : standard)(c, next);
