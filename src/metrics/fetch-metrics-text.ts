/** Read another exporter's `/metrics` text (the Temporal SDK's), giving up after `timeoutMs`. */
export async function fetchMetricsText(url: string, timeoutMs: number): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.text();
}
