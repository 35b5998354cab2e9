/**
 * The workflow interceptor modules every workflow bundle must contain: pass them as
 * `interceptors.workflowModules` when the worker bundles at start, and as
 * `workflowInterceptorModules` to `bundleWorkflowCode` when prebuilding a bundle (the SDK
 * ignores `workflowModules` once a bundle is given). Always included, tracing on or off: a
 * prebuilt bundle serves both, and the module costs nothing for a workflow started untraced.
 */
export function workflowInterceptorModules(): string[] {
  return [require.resolve('./workflow-interceptors')];
}
