export { ApiError, type FieldIssue } from "./api-error";
export { ERROR_CODES, ErrorCodeSchema, STATUS_OF, type ErrorCode, type ErrorStatus } from "./codes";
