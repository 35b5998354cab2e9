import { pickProblem, selectorProblem } from '../schemes/selector';
import { partProblem } from '../schemes/signed-content';
import type { Preset, Scheme } from './preset';

const HEADER = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

function schemeProblems(scheme: Scheme): string[] {
  const out: string[] = [];
  if (scheme.kind === 'hmac' || scheme.kind === 'publickey') {
    if (!HEADER.test(scheme.signature.header)) out.push(`signature header ${JSON.stringify(scheme.signature.header)} must be a lower-case header name`);
    out.push(...scheme.signed.map(partProblem).filter((p): p is string => p !== undefined));
    if (scheme.signed.length === 0) out.push('signs nothing');
    const ts = scheme.timestamp;
    if (ts) {
      if (ts.from === 'kv' && !('kv' in scheme.signature)) out.push('timestamp from kv needs a kv signature header');
      if (ts.from !== 'kv') {
        const problem = selectorProblem(ts.from);
        if (problem) out.push(`timestamp: ${problem}`);
        else if (!/^(header|body):/.test(ts.from)) out.push('timestamp comes from header:NAME, body:PATH or kv');
      }
      // A timestamp that is not signed could be replaced at will: freshness would mean nothing.
      const signedTs = scheme.signed.includes('timestamp') || ts.from.startsWith('body:') || scheme.signed.includes(ts.from as never);
      if (!signedTs) out.push('the timestamp is not part of the signed content');
    }
    if (scheme.signed.includes('timestamp') && !ts) out.push('signs {timestamp} but has no timestamp spec');
  }
  if (scheme.kind === 'token' || scheme.kind === 'jwt') {
    const problem = selectorProblem(scheme.from);
    if (problem) out.push(problem);
    if (!/^(header|query|body):/.test(scheme.from)) out.push('a token comes from header:NAME, query:NAME or body:PATH');
    if (scheme.kind === 'jwt' && !scheme.from.startsWith('header:')) out.push('a JWT comes from a header');
    if (scheme.kind === 'jwt' && scheme.algorithms.length === 0) out.push('a JWT scheme allows no algorithm');
  }
  return out;
}

/** Everything wrong with a preset; the registry refuses to load one with any. */
export function presetProblems(preset: Preset): string[] {
  const out: string[] = [];
  if (!/^[a-z][a-z0-9-]*$/.test(preset.name)) out.push('name must be lower-case letters, digits and -');
  const schemes = Array.isArray(preset.scheme) ? preset.scheme : [preset.scheme as Scheme];
  if (schemes.length === 0) out.push('has no scheme');
  for (const scheme of schemes) out.push(...schemeProblems(scheme));
  for (const [what, pick] of [['id', preset.id], ['type', preset.type], ['occurredAt', preset.occurredAt?.from]] as const) {
    if (pick === undefined || typeof pick === 'function') continue;
    const problem = pickProblem(pick);
    if (problem) out.push(`${what}: ${problem}`);
  }
  for (const handshake of preset.handshakes ?? []) {
    for (const c of handshake.when) {
      const problem = selectorProblem(c.select);
      if (problem) out.push(`handshake: ${problem}`);
    }
    if (handshake.kind === 'challenge' && handshake.method === 'GET' && !(preset.methods ?? ['POST']).includes('GET')) {
      out.push('a GET handshake needs GET in methods');
    }
    if (handshake.reply.echo) {
      const problem = selectorProblem(handshake.reply.echo);
      if (problem) out.push(`handshake echo: ${problem}`);
    }
  }
  if (preset.methods?.includes('GET') && !preset.handshakes?.some((h) => h.kind === 'challenge' && h.method === 'GET')) {
    out.push('GET is allowed but no GET handshake answers it');
  }
  return out.map((p) => `preset ${preset.name}: ${p}`);
}
