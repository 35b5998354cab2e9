import { z } from 'zod';
import { customProvider, identityOptions } from './presets/custom-provider';

/**
 * Generic HTTP Basic: `users` lists `name:password` (or `env:VAR` holding one), any of which
 * may deliver, so a password can be rotated. Compared in constant time.
 */
export const basicOptions = z
  .object({
    users: z.array(z.string().min(1).refine((u) => u.includes(':'), 'must be name:password')).min(1),
    ...identityOptions,
  })
  .strict();
export type BasicOptions = z.infer<typeof basicOptions>;

export const basicProvider = customProvider({
  name: 'basic',
  options: basicOptions,
  needsSecrets: false,
  secretOptions: ['users'],
  scheme: () => ({ kind: 'basic' }),
});
