import type { Client } from '@temporalio/client';
import type { Collection } from 'mongodb';
import type { HookflowConfig } from '../config/load-config';
import type { Logger } from '../logging/logger';
import type { BodyStore } from '../store/body-store';
import type { EventDocument } from '../store/documents';

/** What every admin operation works with; the server builds real ones, tests may pass others. */
export interface AdminDeps {
  /** The config in force now: retries and replays resolve their plan from it. */
  readonly config: HookflowConfig;
  readonly temporal: Client;
  readonly events: Collection<EventDocument>;
  readonly bodies: BodyStore;
  readonly logger: Logger;
  /** Injected so tests control time. */
  readonly now?: () => Date;
}
