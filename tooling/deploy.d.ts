/** Problems in a connector's Dockerfile and Kubernetes manifest; empty when all is well. */
export function checkDeploy(options: { dockerfile: string; manifest: string; name: string; knownEnv: string[] }): string[];

/** Defines the deploy-file tests (vitest) for one connector. */
export function describeDeploy(options: { name: string; dockerfile: string; manifest: string; knownEnv: string[] }): Promise<void>;
