import { z } from 'zod';
import { customProvider, identityOptions } from './presets/custom-provider';

/**
 * Generic shared token: the request carries one of the source's `secrets` as is, in a header
 * (`header`, optionally after a `prefix` such as `Bearer `), a query parameter (`query`) or a
 * body field (`field`). Compared in constant time (src/providers/schemes/token-match.ts).
 */
export const tokenOptions = z
  .object({
    header: z.string().min(1).transform((h) => h.toLowerCase()).optional(),
    query: z.string().min(1).optional(),
    field: z.string().min(1).optional(),
    prefix: z.string().optional(),
    ...identityOptions,
  })
  .strict()
  .refine((o) => [o.header, o.query, o.field].filter(Boolean).length === 1, {
    message: 'set exactly one of header, query or field',
    path: ['header'],
  });
export type TokenOptions = z.infer<typeof tokenOptions>;

export const tokenProvider = customProvider({
  name: 'token',
  options: tokenOptions,
  scheme: (o: TokenOptions) => ({
    kind: 'token',
    from: o.header ? `header:${o.header}` : o.query ? `query:${o.query}` : `body:${o.field}`,
    ...(o.prefix ? { prefix: o.prefix } : {}),
  }),
});
