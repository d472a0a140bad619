/** Problems in a connector's Dockerfile and Kubernetes manifest; empty when all is well. */
export function checkDeploy(options: { dockerfile: string; manifest: string; name: string; knownEnv: string[] }): string[];
