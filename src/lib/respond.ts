import type { Context } from "hono";
import { ApiError, type FieldIssue } from "../errors";
import type { ErrorBody } from "../schemas/error";

/** Renders an ApiError as the error envelope with its status and headers. */
export function errorResponse(c: Context, err: ApiError): Response {
  const body: ErrorBody = { success: false, error: err.message, code: err.code };
  if (err.details) body.details = err.details;
  const retryAfter = err.headers?.["Retry-After"];
  if (retryAfter) body.retryAfter = Number(retryAfter);
  for (const [name, value] of Object.entries(err.headers ?? {})) c.header(name, value);
  return c.json(body, err.status);
}

/** Turns validation issues (zod's or our own) into one VALIDATION_ERROR naming each field. */
export function validationError(issues: FieldIssue[]): ApiError {
  const message = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
  return new ApiError("VALIDATION_ERROR", message || "Invalid request", { details: issues });
}

/** A browser step's redirect; no-store keeps the codes and states it carries out of caches. */
export const redirectTo = (c: Context, location: string): Response => c.body(null, 302, { Location: location, "Cache-Control": "no-store" });
