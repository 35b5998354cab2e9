import { z } from 'zod';
import { BadRequestError } from '../../errors/http-errors';
import { JSON_TYPE, parsePayload } from '../payload';
import { jwtKeyProblem } from '../schemes/jwt';
import { publicKeyProblem } from '../schemes/public-key';
import { select, type SelectContext } from '../schemes/selector';
import type { Provider, SourceSettings, WebhookRequest } from '../types';
import { answerAfterVerify, answerBeforeVerify, matches, toReply } from './answer-handshake';
import { presetProblems } from './check-preset';
import type { Preset, Scheme } from './preset';
import { signScheme } from './sign-scheme';
import { chooseScheme, schemeHeader, verifyScheme } from './verify-scheme';

type Options = Record<string, unknown>;

function schemesOf(preset: Preset): readonly Scheme[] {
  return Array.isArray(preset.scheme) ? preset.scheme : [preset.scheme as Scheme];
}

function occurredAt(preset: Preset, ctx: SelectContext): Date | undefined {
  if (!preset.occurredAt) return undefined;
  const text = select(preset.occurredAt.from, ctx);
  if (text === undefined) return undefined;
  if (preset.occurredAt.unit === 'iso') return new Date(text);
  if (!/^\d{1,16}(\.\d+)?$/.test(text)) return undefined;
  return new Date(Number(text) * (preset.occurredAt.unit === 's' ? 1000 : 1));
}

/** Turn a preset (data) into a Provider; throws at module load if the preset is inconsistent. */
export function presetProvider(preset: Preset): Provider<Options> {
  const problems = presetProblems(preset);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const schemes = schemesOf(preset);
  const options = (preset.options ?? z.object({}).strict()) as z.ZodType<Options>;
  const handshakes = preset.handshakes ?? [];
  const verify = (req: WebhookRequest, settings: SourceSettings<Options>, now: Date) =>
    verifyScheme(chooseScheme(schemes, req), req, settings, now);
  // Secrets that are public keys are parsed at load (not PayPal's: its keys are the `certificates` option).
  const asymmetric = schemes.find((s) => (s.kind === 'publickey' && !s.keysOption) || (s.kind === 'jwt' && !s.algorithms.includes('HS256')));

  return {
    name: preset.name,
    options,
    ...(preset.methods ? { methods: preset.methods } : {}),
    ...(preset.needsSecrets === false ? { needsSecrets: false } : {}),
    ...(preset.learnsSecret ? { learnsSecret: preset.learnsSecret } : {}),
    ...(preset.secretOptions ? { secretOptions: preset.secretOptions } : {}),
    ...(preset.defaultToleranceSeconds ? { defaultToleranceSeconds: preset.defaultToleranceSeconds } : {}),
    ...(asymmetric
      ? {
          checkSecret: (secret: string) =>
            asymmetric.kind === 'publickey'
              ? publicKeyProblem(secret, asymmetric.algorithm)
              : asymmetric.kind === 'jwt'
                ? jwtKeyProblem(secret, asymmetric.algorithms)
                : undefined,
        }
      : {}),
    secretHeaders: () => [
      ...new Set([
        ...schemes.flatMap((s) => (s.kind === 'standard-webhooks' ? ['webhook-signature', 'svix-signature'] : [schemeHeader(s) ?? []].flat())),
        ...(preset.secretHeaders ?? []),
      ]),
    ],

    verify,

    challenge: handshakes.some((h) => h.kind !== 'signed')
      ? (req, settings, now) => answerBeforeVerify(handshakes, req, settings, () => void verify(req, settings, now), () => safePayload(req))
      : undefined,

    handshake: handshakes.some((h) => h.kind === 'signed') ? (req, payload) => answerAfterVerify(handshakes, req, payload) : undefined,

    answer: preset.answers
      ? (result, payload) => {
          const ctx = { req: { rawBody: Buffer.alloc(0), headers: {}, url: '', contentType: JSON_TYPE }, payload };
          const found = preset.answers!.find((a) => !a.when || matches(a.when, ctx));
          return found ? toReply(found.reply, ctx) : { status: 200, body: { status: result.outcome, workflowId: result.workflowId } };
        }
      : undefined,

    identify(req, payload) {
      const ctx: SelectContext = { req, payload };
      const id = select(preset.id, ctx);
      if (!id) throw new BadRequestError(`missing event ID (${[preset.id].flat().join(' or ')})`);
      const type = typeof preset.type === 'function' ? preset.type(payload, req) : select(preset.type, ctx);
      return { id, type: type || 'unknown', occurredAt: occurredAt(preset, ctx) };
    },

    sign({ body, contentType, url, secret, now, eventType }, opts) {
      const headers = preset.headers?.({ body, now, eventType }) ?? {};
      // With several schemes, `hookflow send` signs with the first (the stronger one).
      const signed = signScheme(schemes[0], { body, contentType, url, secret, now, headers, options: opts });
      return { ...signed, contentType };
    },

    ...(preset.sampleHandshake
      ? {
          handshakeRequest(opts: Options, secret: string, now: Date) {
            const request = preset.sampleHandshake!(opts, secret, now);
            if (!request.signed || !request.body) return request;
            const signed = signScheme(schemes[0], { body: request.body, contentType: JSON_TYPE, url: '', secret, now, headers: request.headers, options: opts });
            return { ...request, headers: signed.headers, body: signed.body };
          },
        }
      : {}),

    sample: preset.sample,
  };
}

/** A body condition of an unsigned ping: a body that does not parse simply matches nothing. */
function safePayload(req: WebhookRequest): unknown {
  try {
    return parsePayload(req);
  } catch {
    return undefined;
  }
}
