// The Services a file of secret config names by URL. The secrets table (./secrets.ts) and the pods' env
// (./env.ts) both read them, and ./env.ts reads the secrets table: here, below both, neither imports the other back.

/** tokman's Service: packit-service.yaml's `tokman_instance_url` names it (`http://tokman`, port 80). */
export const TOKMAN_SERVICE = { name: "tokman", port: 80 } as const;

/** The Services a file of secret config may name by URL, by component (`SourceSecretKey.names`). */
export const SERVICES_NAMED_IN_SECRETS = { tokman: TOKMAN_SERVICE } as const;
export type ServiceNamedInSecrets = keyof typeof SERVICES_NAMED_IN_SECRETS;
