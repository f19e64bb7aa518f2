import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import { MAX_BODY_BYTES } from "../config";
import { ApiError } from "../errors";

export const bodyLimit = () =>
  honoBodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError("PAYLOAD_TOO_LARGE", `Request body exceeds ${MAX_BODY_BYTES} bytes`);
    },
  });
