/** The baseline's activity does nothing, so the baseline measures Temporal's cost alone. */
export function createBareActivities() {
  return {
    async noop(_workflowId: string): Promise<null> {
      return null;
    },
  };
}

export type BareActivities = ReturnType<typeof createBareActivities>;
