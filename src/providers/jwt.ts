import { z } from 'zod';
import { customProvider, identityOptions } from './presets/custom-provider';
import { JWT_ALGORITHMS, jwtKeyProblem, type JwtAlgorithm } from './schemes/jwt';

/**
 * Generic JWT: a compact JWT in `header` (default `Authorization: Bearer <jwt>`), signed with
 * one of `algorithms` by a key in `secrets` (an HS256 secret, a PEM public key or certificate,
 * or a JWK as JSON). exp/nbf/iat are checked both ways within `toleranceSeconds`; `issuer` and
 * `audience` when set; `maxAge` refuses tokens issued longer ago than the tolerance;
 * `bodySha256Claim` names a claim that must hold the hex SHA-256 of the body.
 */
export const jwtOptions = z
  .object({
    header: z.string().min(1).transform((h) => h.toLowerCase()).default('authorization'),
    prefix: z.string().optional(),
    algorithms: z.array(z.enum(JWT_ALGORITHMS as [JwtAlgorithm, ...JwtAlgorithm[]])).min(1),
    issuer: z.string().min(1).optional(),
    audience: z.string().min(1).optional(),
    maxAge: z.boolean().default(false),
    bodySha256Claim: z.string().min(1).optional(),
    ...identityOptions,
  })
  .strict();
export type JwtOptions = z.infer<typeof jwtOptions>;

export const jwtProvider = customProvider({
  name: 'jwt',
  options: jwtOptions,
  defaultToleranceSeconds: 60,
  checkSecret: (secret, o: JwtOptions) => jwtKeyProblem(secret, o.algorithms),
  scheme: (o: JwtOptions) => ({
    kind: 'jwt',
    from: `header:${o.header}`,
    prefix: o.prefix ?? (o.header === 'authorization' ? 'Bearer ' : ''),
    algorithms: o.algorithms,
    maxAge: o.maxAge,
    ...(o.bodySha256Claim ? { bodySha256Claim: o.bodySha256Claim } : {}),
  }),
});
