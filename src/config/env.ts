/**
 * The only place hookflow reads the environment. Every variable is listed here, so the
 * README, docker-compose.yml and a test can be checked against one list.
 */
export const ENV_VARS = {
  HOOKFLOW_CONFIG: 'path of the JSON config file (default hookflow.config.json)',
  HOOKFLOW_HOST: 'receiver listen address (overrides server.host)',
  HOOKFLOW_PORT: 'receiver port (overrides server.port)',
  HOOKFLOW_PUBLIC_URL: 'public base URL the providers call, for URL-signing providers (overrides server.publicUrl)',
  HOOKFLOW_TASK_QUEUE: 'Temporal task queue (overrides temporal.taskQueue)',
  HOOKFLOW_ADMIN_TOKEN: 'bearer token that turns the admin API on (overrides admin.token)',
  HOOKFLOW_ADMIN_PORT: 'admin API port (overrides admin.port)',
  HOOKFLOW_ADMIN_URL: 'where `hookflow events` finds the admin API (default http://<admin.host>:<admin.port>)',
  HOOKFLOW_WORKER_PORT: "port of a worker's /healthz, /readyz and /metrics server (overrides worker.port)",
  HOOKFLOW_WORKFLOW_BUNDLE: 'path of a prebuilt workflow bundle (bundleWorkflowCode output); skips bundling at worker start',
  HOOKFLOW_HANDLERS: 'path of the handlers module the worker loads (overrides handlers)',
  HOOKFLOW_LOG_LEVEL: 'log level: trace, debug, info, warn, error (default info)',
  HOOKFLOW_DATA_DIR: 'where `hookflow start` keeps Temporal and MongoDB data (default .hookflow)',
  HOOKFLOW_TOOL_CACHE: 'where `hookflow start` and the tests install the temporal CLI and FerretDB (default .hookflow/tools in a checkout, ~/.cache/hookflow/tools for an installed package)',
  HOOKFLOW_TEMPORAL_PORT: 'gRPC port of the embedded Temporal dev server (default 7233)',
  HOOKFLOW_TEMPORAL_UI_PORT: 'port of the embedded Temporal UI (default 8233)',
  HOOKFLOW_MONGO_PORT: 'port of the embedded MongoDB-protocol server (default 27017)',
  HOOKFLOW_STACK_STATE_FILE: "set by `hookflow start` for its receiver: the stack's restart counts (hookflow_stack_restarts_total) and the servers it is restarting (/readyz)",
  TEMPORAL_ADDRESS: 'Temporal frontend host:port; when set, `hookflow start` starts no Temporal server',
  TEMPORAL_NAMESPACE: 'Temporal namespace (overrides temporal.namespace)',
  TEMPORAL_UI_URL: 'Temporal UI base URL used in links (overrides temporal.uiUrl)',
  TEMPORAL_CLI: 'path of a `temporal` CLI binary to run the embedded dev server with',
  MONGODB_URI: 'MongoDB connection string; when set, `hookflow start` starts no MongoDB server',
  MONGODB_DATABASE: 'MongoDB database name (overrides mongodb.database)',
  // OpenTelemetry's standard variables (src/telemetry/): the exporter reads the rest itself
  // (OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT, _COMPRESSION, OTEL_BSP_*, OTEL_RESOURCE_ATTRIBUTES).
  OTEL_EXPORTER_OTLP_ENDPOINT: 'OTLP/HTTP base URL of a collector (e.g. http://otel-collector:4318); set, traces are exported, unset, tracing is off',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'full OTLP/HTTP traces URL (…/v1/traces), instead of OTEL_EXPORTER_OTLP_ENDPOINT',
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf (default) or http/json',
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'the same, for traces only',
  OTEL_SERVICE_NAME: 'service.name of the spans (default hookflow-receiver / hookflow-worker)',
  OTEL_SDK_DISABLED: '`true` turns tracing off even with an endpoint set',
} as const;

export type EnvVar = keyof typeof ENV_VARS;

export function env(name: EnvVar): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** Read a variable a secret names (`env:VAR`); secrets may come from any variable. */
export function secretFromEnv(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}
