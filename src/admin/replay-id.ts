const SUFFIX = '#replay-';

/**
 * `<workflowId>#replay-<n>`. Only an event ID that itself ends in `#replay-<n>` could clash; the
 * replay start refuses any ID already used (REJECT_DUPLICATE) and takes the next number.
 */
export function replayWorkflowId(originalId: string, n: number): string {
  return `${originalId}${SUFFIX}${n}`;
}

/** One more than the highest replay number among `ids` (the replays recorded so far), or 1. */
export function nextReplayNumber(originalId: string, ids: readonly string[]): number {
  let highest = 0;
  for (const id of ids) {
    if (!id.startsWith(originalId + SUFFIX)) continue;
    const n = id.slice(originalId.length + SUFFIX.length);
    if (/^[1-9]\d*$/.test(n)) highest = Math.max(highest, Number(n));
  }
  return highest + 1;
}
