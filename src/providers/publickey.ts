import { z } from 'zod';
import { customProvider, identityOptions } from './presets/custom-provider';
import type { Part } from './schemes/signed-content';
import { partProblem } from './schemes/signed-content';
import { PUBLIC_KEY_ALGORITHMS, publicKeyProblem, type PublicKeyAlgorithm } from './schemes/public-key';

const header = z.string().min(1).transform((h) => h.toLowerCase());

/**
 * Generic public-key signature: `algorithm` (ed25519, ecdsa-p256, rsa-sha256) over
 * `signedContent` parts (default the body), the signature in `signatureHeader` after an
 * optional `prefix`, in `encoding`. With `timestampHeader` the timestamp is checked both ways
 * and must be one of the signed parts. `secrets` are the sender's PUBLIC keys.
 */
export const publickeyOptions = z
  .object({
    algorithm: z.enum(PUBLIC_KEY_ALGORITHMS as [PublicKeyAlgorithm, ...PublicKeyAlgorithm[]]),
    signatureHeader: header,
    prefix: z.string().optional(),
    encoding: z.enum(['hex', 'base64', 'base64url']).default('base64'),
    signedContent: z
      .array(z.string().superRefine((p, ctx) => {
        const problem = partProblem(p);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }))
      .min(1)
      .default(['body']),
    separator: z.string().default(''),
    timestampHeader: header.optional(),
    timestampUnit: z.enum(['s', 'ms', 'iso']).default('s'),
    ...identityOptions,
  })
  .strict()
  .refine((o) => !o.timestampHeader || o.signedContent.includes('timestamp'), {
    message: 'a timestamp that is not signed proves nothing: add "timestamp" to signedContent',
    path: ['signedContent'],
  })
  .refine((o) => !o.signedContent.includes('timestamp') || o.timestampHeader, {
    message: '"timestamp" in signedContent needs timestampHeader',
    path: ['timestampHeader'],
  });
export type PublickeyOptions = z.infer<typeof publickeyOptions>;

export const publickeyProvider = customProvider({
  name: 'publickey',
  options: publickeyOptions,
  defaultToleranceSeconds: 300,
  checkSecret: (secret, o: PublickeyOptions) => publicKeyProblem(secret, o.algorithm),
  scheme: (o: PublickeyOptions) => ({
    kind: 'publickey',
    algorithm: o.algorithm,
    signature: { header: o.signatureHeader, encoding: o.encoding, ...(o.prefix ? { prefix: o.prefix } : {}) },
    signed: o.signedContent as Part[],
    separator: o.separator,
    ...(o.timestampHeader ? { timestamp: { from: `header:${o.timestampHeader}`, unit: o.timestampUnit } } : {}),
  }),
});
