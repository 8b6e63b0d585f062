// A real OpenID Connect provider (the oidc-provider package) for Charter's tests, on 127.0.0.1.
//   node provider.mjs PORT
// Environment: OIDC_REDIRECT_URI (Charter's callback), OIDC_CLIENT_SECRET, OIDC_AUTH_METHOD
// (client_secret_basic or client_secret_post), OIDC_EMAIL_IN_ID_TOKEN, OIDC_CLOCK_OFFSET (seconds added to this
// provider's clock, to have it issue tokens that are already expired).
// Signing in takes no password: the form at /interaction/:uid names the account's email, whether
// it is verified and the amr values, so tests (httpx or Chromium) choose who signs in.
const offset = Number(process.env.OIDC_CLOCK_OFFSET || 0) * 1000;
if (offset) {
  const realNow = Date.now;
  Date.now = () => realNow() + offset;
}
const { default: Provider } = await import('oidc-provider');

const port = Number(process.argv[2]);
const issuer = `http://127.0.0.1:${port}`;
const authMethod = process.env.OIDC_AUTH_METHOD || 'client_secret_basic';

const encode = (account) => Buffer.from(JSON.stringify(account)).toString('base64url');
const decode = (id) => JSON.parse(Buffer.from(id, 'base64url').toString());

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'charter',
    client_secret: process.env.OIDC_CLIENT_SECRET || 'charter-test-secret',
    redirect_uris: [process.env.OIDC_REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: authMethod,
  }],
  clientAuthMethods: [authMethod],
  cookies: { keys: ['charter-tests-only'] },
  claims: { openid: ['sub', 'amr', 'auth_time'], email: ['email', 'email_verified'], profile: ['name'] },
  features: { devInteractions: { enabled: false } },
  // OIDC_EMAIL_IN_ID_TOKEN=1: the email claims in the ID token itself, not only from userinfo.
  conformIdTokenClaims: process.env.OIDC_EMAIL_IN_ID_TOKEN !== '1',
  pkce: { required: () => true },
  ttl: { IdToken: 300, AccessToken: 300, AuthorizationCode: 120, Interaction: 3600, Session: 3600, Grant: 3600 },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = decode(id);
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: account.email, email_verified: account.verified, name: account.email };
      },
    };
  },
});

function readForm(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(Object.fromEntries(new URLSearchParams(body))));
    req.on('error', reject);
  });
}

const page = (uid) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1>
<form method="post" action="/interaction/${uid}">
<label for="login">Email address</label> <input id="login" name="login" type="email">
<label for="verified">Email verified</label>
<select id="verified" name="verified"><option value="yes">Yes</option><option value="no">No</option></select>
<label for="amr">Authentication methods</label> <input id="amr" name="amr" value="pwd">
<button type="submit">Sign in</button>
</form></main></body></html>`;

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.prompt.name === 'consent') {  // consent is given without asking
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, { consent: { grantId } }));
    return undefined;
  }
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = page(details.uid);
    return undefined;
  }
  const form = await readForm(ctx.req);
  const accountId = encode({ email: form.login, verified: form.verified === 'yes' });
  const amr = (form.amr || '').split(',').map((a) => a.trim()).filter(Boolean);
  ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, { login: { accountId, amr } }));
  return undefined;
});

provider.listen(port, '127.0.0.1', () => { console.log(`ready ${issuer}`); });
