/** An Octokit whose auth strategy can authenticate as the App itself (Probot's can). */
export interface AppAuthClient {
  auth(options: { type: 'app' }): Promise<unknown>;
}

/**
 * This App's id, from its own credentials: authenticating as the App signs a JWT locally
 * and returns the id with it, without a request. Null when the client cannot say.
 */
export async function ownAppId(octokit: AppAuthClient): Promise<number | null> {
  try {
    const auth = (await octokit.auth({ type: 'app' })) as { appId?: unknown } | null;
    const id = Number(auth?.appId);
    return Number.isInteger(id) && id > 0 ? id : null;
  } catch {
    return null;
  }
}
