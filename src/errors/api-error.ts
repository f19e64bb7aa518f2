import { STATUS_OF, type ErrorCode, type ErrorStatus } from "./codes";

export interface FieldIssue {
  path: string;
  message: string;
}

// The one exception type handlers and middleware throw; onError turns it into the envelope.
export class ApiError extends Error {
  readonly status: ErrorStatus;
  readonly details?: FieldIssue[];
  readonly headers?: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { details?: FieldIssue[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = STATUS_OF[code];
    this.details = options.details;
    this.headers = options.headers;
  }
}
