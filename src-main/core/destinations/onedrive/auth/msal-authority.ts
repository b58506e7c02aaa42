/**
 * Where MSAL signs in: `{authority host}/{tenant}` from settings, so a company's own tenant and
 * the national clouds work. The endpoints of the v2 platform follow from the host and tenant, so
 * MSAL is handed them instead of discovering them: no discovery round trip at every start, and
 * the same configuration drives a test identity provider.
 */
export interface AuthorityConfig {
  authority: string;
  knownAuthorities: string[];
  authorityMetadata: string;
  cloudDiscoveryMetadata: string;
}

export function authorityConfig(host: string, tenant: string): AuthorityConfig {
  const base = new URL(host);
  if (base.protocol !== 'https:') throw new Error(`the Microsoft sign-in host must be https, got ${host}`);
  const origin = base.origin;
  const hostAndPort = base.host;
  const tenantPath = encodeURIComponent(tenant.trim() || 'common');
  const authority = `${origin}/${tenantPath}`;
  return {
    authority,
    knownAuthorities: [hostAndPort],
    authorityMetadata: JSON.stringify({
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      issuer: `${origin}/{tenantid}/v2.0`,
      jwks_uri: `${authority}/discovery/v2.0/keys`,
    }),
    cloudDiscoveryMetadata: JSON.stringify({
      tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: hostAndPort, preferred_cache: hostAndPort, aliases: [hostAndPort] }],
    }),
  };
}
