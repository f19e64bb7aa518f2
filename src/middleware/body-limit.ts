import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import { ApiError } from "../errors";

/** Documented cap on request bodies; larger bodies get 413 before any parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

export const bodyLimit = () =>
  honoBodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError("PAYLOAD_TOO_LARGE", `Request body exceeds ${MAX_BODY_BYTES} bytes`);
    },
  });
