import type { Provider } from './types';
import { basicProvider } from './basic';
import { githubProvider } from './github';
import { hmacProvider } from './hmac';
import { jwtProvider } from './jwt';
import { linearProvider } from './linear';
import { mailgunProvider } from './mailgun';
import { paddleProvider } from './paddle';
import { publickeyProvider } from './publickey';
import { sendgridProvider } from './sendgrid';
import { shopifyProvider } from './shopify';
import { slackProvider } from './slack';
import { squareProvider } from './square';
import { standardWebhooksProvider } from './standard-webhooks';
import { stripeProvider } from './stripe';
import { tokenProvider } from './token';
import { twilioProvider } from './twilio';
import { zoomProvider } from './zoom';
import { PRESETS } from './presets/catalog';
import { presetProvider } from './presets/preset-provider';

/** Every provider hookflow can verify, by the name a source's `provider` field uses. */
export const providers: Readonly<Record<string, Provider<any>>> = {
  basic: basicProvider,
  github: githubProvider,
  hmac: hmacProvider,
  jwt: jwtProvider,
  linear: linearProvider,
  mailgun: mailgunProvider,
  paddle: paddleProvider,
  publickey: publickeyProvider,
  sendgrid: sendgridProvider,
  shopify: shopifyProvider,
  slack: slackProvider,
  square: squareProvider,
  'standard-webhooks': standardWebhooksProvider,
  stripe: stripeProvider,
  token: tokenProvider,
  twilio: twilioProvider,
  zoom: zoomProvider,
  // Presets are data over shared schemes, validated here as the registry loads.
  ...Object.fromEntries(PRESETS.map((preset) => [preset.name, presetProvider(preset)])),
};

export function providerNames(): string[] {
  return Object.keys(providers).sort();
}
