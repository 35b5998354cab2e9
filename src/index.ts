/**
 * hookflow's public API: `import { PermanentError, type Handlers } from 'hookflow'`. Everything
 * else (src/receiver, src/worker, ...) is internal and may change between versions; the CLI
 * (`hookflow start|receiver|worker|send|init ...`) is the other public surface.
 */

// Handlers and transforms: what your handlers module exports (README: Handlers).
export type { Handler, HandlerContext, HandlerEvent, Handlers } from './handlers/types';
export { PermanentError } from './handlers/permanent-error';
export type { Transform, TransformOutput, Transforms } from './transforms/transform-types';

// The config file's type, and a helper that checks one written in code.
export { defineConfig, type HookflowConfigFile } from './config/define-config';
export type { HookflowConfig } from './config/load-config';
export { loadConfig } from './config/load-config';

// Verification, so your own code can check a provider's signature the way the receiver does.
export { verifyWebhook, type VerifiedWebhook, type VerifyWebhookInput } from './providers/verify-webhook';
export { providers, providerNames } from './providers/registry';
export type { Provider, SignedRequest, SourceSettings, Verification, WebhookRequest } from './providers/types';
export { BadRequestError, HttpError, SignatureError, type SignatureFailureReason } from './errors/http-errors';
