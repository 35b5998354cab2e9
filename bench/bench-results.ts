import type { CpuUse } from './cpu-meter';
import type { BareEndToEndResult } from './measure-bare-end-to-end';
import type { EndToEndResult } from './measure-end-to-end';
import type { EngineAndReceiver } from './measure-engine-and-receiver';
import type { StoreGrowthRun } from './measure-store-growth';
import type { HttpLoadResult } from './run-http-load';

/** Every figure of a run, by scenario; a scenario left out by --only is absent. */
export interface BenchResults {
  readonly a?: HttpLoadResult & { readonly cpu: CpuUse };
  readonly b?: EngineAndReceiver['b'];
  readonly c?: EngineAndReceiver['c'];
  readonly d?: { readonly hookflow: EndToEndResult; readonly bare: BareEndToEndResult };
  /** One run per worker count of --io-workers, in that order. */
  readonly e?: readonly EndToEndResult[];
  /** One run per count of events already stored, smallest first. */
  readonly f?: readonly StoreGrowthRun[];
}
