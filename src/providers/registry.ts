import type { Provider } from './types';
import { adyenProvider } from './adyen';
import { basicProvider } from './basic';
import { boxProvider } from './box';
import { contentfulProvider } from './contentful';
import { docusignProvider } from './docusign';
import { githubProvider } from './github';
import { hmacProvider } from './hmac';
import { hubspotProvider } from './hubspot';
import { jwtProvider } from './jwt';
import { linearProvider } from './linear';
import { mailgunProvider } from './mailgun';
import { netlifyProvider } from './netlify';
import { paddleProvider } from './paddle';
import { personaProvider } from './persona';
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
import { BODY_HMAC_PRESETS } from './presets/body-hmac-presets';
import { PRESETS } from './presets/catalog';
import { CREDENTIAL_PRESETS } from './presets/credential-presets';
import { TIMESTAMPED_PRESETS } from './presets/timestamped-presets';
import { presetProvider } from './presets/preset-provider';

/** Every provider hookflow can verify, by the name a source's `provider` field uses. */
export const providers: Readonly<Record<string, Provider<any>>> = {
  adyen: adyenProvider,
  basic: basicProvider,
  github: githubProvider,
  hmac: hmacProvider,
  hubspot: hubspotProvider,
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
  // Issue #12's second batch: presets in their own files, and the few that need a module.
  ...Object.fromEntries([...BODY_HMAC_PRESETS, ...TIMESTAMPED_PRESETS, ...CREDENTIAL_PRESETS].map((preset) => [preset.name, presetProvider(preset)])),
  box: boxProvider,
  contentful: contentfulProvider,
  docusign: docusignProvider,
  netlify: netlifyProvider,
  persona: personaProvider,
};

export function providerNames(): string[] {
  return Object.keys(providers).sort();
}
