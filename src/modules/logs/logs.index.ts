import { createRouter } from "../../lib/create-router";
import { listLogsHandler } from "./logs.handlers";
import { listLogs } from "./logs.routes";

export const logs = createRouter().openapi(listLogs, listLogsHandler);
