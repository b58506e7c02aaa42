import { startGraphPeer } from '../../tests/peers/graph-peer.ts';
import { startIdentityProvider } from '../../tests/peers/identity-provider.ts';

/**
 * The identity provider and Graph peer in a process of their own, so the benchmark's CPU and
 * memory figures are the uploader's alone. Prints one JSON line with their addresses, then
 * serves until it is killed.
 */
const idp = await startIdentityProvider();
const graph = await startGraphPeer({
  authorize: (token) => {
    const user = idp.userOf(token);
    return user && { id: user.oid, displayName: user.name, userPrincipalName: user.preferredUsername };
  },
});
process.stdout.write(
  `${JSON.stringify({ graphBaseUrl: graph.baseUrl, idpOrigin: idp.origin, clientId: idp.clientId, certificate: idp.certificate })}\n`,
);
process.on('SIGTERM', () => {
  void Promise.all([graph.close(), idp.close()]).then(() => process.exit(0));
});
