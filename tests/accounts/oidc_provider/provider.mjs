// A real, certified OpenID provider (panva's oidc-provider) for the identity-login tests.
// Configuration comes from the environment so each test can shape it:
//   PORT                 listen on 127.0.0.1:PORT (issuer http://127.0.0.1:PORT)
//   OIDC_CLIENTS         JSON array of client metadata
//   OIDC_ACCOUNTS        JSON object {accountId: {claims...}}
//   CLAIMS_IN_ID_TOKEN   "1": scope claims go into the ID token too (conformIdTokenClaims off);
//                        otherwise the provider's default: only UserInfo carries them
// The login/consent interaction is automatic: the account is the authorization request's
// login_hint (a test stands in for the person typing their credentials).
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');

const provider = new Provider(issuer, {
  clients: JSON.parse(process.env.OIDC_CLIENTS || '[]'),
  claims: { openid: ['sub'], profile: ['name'], identity: ['id_number'] },
  scopes: ['openid', 'profile', 'identity'],
  conformIdTokenClaims: process.env.CLAIMS_IN_ID_TOKEN !== '1',
  pkce: { required: () => true },
  cookies: { keys: ['rencai-test-only'] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    if (!accounts[id]) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) };
  },
});

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const accountId = details.params.login_hint;
  if (!accounts[accountId]) {
    ctx.status = 400;
    ctx.body = 'unknown login_hint';
    return undefined;
  }
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  return provider.interactionFinished(
    ctx.req,
    ctx.res,
    { login: { accountId }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
});

provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
