import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * hookflow's typed search attributes, so operators can filter in the Temporal UI:
 * `HookflowSource = "stripe" AND HookflowEventType = "invoice.paid"`.
 */
export const SOURCE = defineSearchAttributeKey('HookflowSource', SearchAttributeType.KEYWORD);
export const EVENT_TYPE = defineSearchAttributeKey('HookflowEventType', SearchAttributeType.KEYWORD);
export const EVENT_ID = defineSearchAttributeKey('HookflowEventId', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [SOURCE, EVENT_TYPE, EVENT_ID] as const;
