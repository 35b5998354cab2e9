import { hmacProvider } from './hmac';
import type { Provider } from './types';

/** Every provider hookflow can verify, by the name a source's `provider` field uses. */
export const providers: Readonly<Record<string, Provider<any>>> = {
  hmac: hmacProvider,
};

export function providerNames(): string[] {
  return Object.keys(providers).sort();
}
