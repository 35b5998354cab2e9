import { z } from 'zod';
import { BadRequestError } from '../../errors/http-errors';
import { JSON_TYPE } from '../payload';
import { pickProblem, select, type Pick } from '../schemes/selector';
import type { Provider } from '../types';
import type { Scheme } from './preset';
import { signScheme } from './sign-scheme';
import { schemeHeader, verifyScheme } from './verify-scheme';

/** Selectors a custom source writes (`header:x-request-id`, `body:id`), checked at load. */
const pick = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .superRefine((value, ctx) => {
    const problem = pickProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** `idFrom` (default: the SHA-256 of the body, README: Derived IDs) and `typeFrom` (default body `type`). */
export const identityOptions = {
  idFrom: pick.default('hash:body'),
  typeFrom: pick.default('body:type'),
};

interface CustomOptions {
  readonly idFrom: Pick;
  readonly typeFrom: Pick;
}

/**
 * A provider a custom source configures itself (`token`, `basic`, `jwt`, `publickey`): its
 * options say which scheme and where the ID and type are; verification is the presets' own.
 */
export function customProvider<O extends CustomOptions>(spec: {
  name: string;
  options: z.ZodType<O>;
  scheme: (options: O) => Scheme;
  checkSecret?: (secret: string, options: O) => string | undefined;
  needsSecrets?: boolean;
  secretOptions?: readonly string[];
  defaultToleranceSeconds?: number;
}): Provider<O> {
  return {
    name: spec.name,
    options: spec.options,
    ...(spec.checkSecret ? { checkSecret: spec.checkSecret } : {}),
    ...(spec.needsSecrets === false ? { needsSecrets: false } : {}),
    ...(spec.secretOptions ? { secretOptions: spec.secretOptions } : {}),
    ...(spec.defaultToleranceSeconds ? { defaultToleranceSeconds: spec.defaultToleranceSeconds } : {}),
    secretHeaders: (o) => [schemeHeader(spec.scheme(o)) ?? []].flat(),
    verify: (req, settings, now) => verifyScheme(spec.scheme(settings.options), req, settings as never, now),
    identify(req, payload, { options: o }) {
      const id = select(o.idFrom, { req, payload });
      if (!id) throw new BadRequestError(`missing event ID (${[o.idFrom].flat().join(' or ')})`);
      return { id, type: select(o.typeFrom, { req, payload }) ?? 'unknown' };
    },
    sign({ body, contentType, url, secret, now }, o) {
      return { ...signScheme(spec.scheme(o), { body, contentType, url, secret, now, headers: {}, options: o as never }), contentType };
    },
    sample(eventType, now) {
      const body = { id: `evt_${now.getTime().toString(36)}`, type: eventType ?? 'sample.created', data: { message: 'hello from hookflow send' } };
      return { body: Buffer.from(JSON.stringify(body)), contentType: JSON_TYPE };
    },
  };
}
