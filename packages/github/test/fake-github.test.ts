import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub({
    token: 'ghp_test',
    repos: [
      { owner: 'acme', name: 'app', private: false, issues: Array.from({ length: 45 }, (_, i) => ({ number: i + 1, title: `Issue ${i + 1}`, body: '' })) },
      { owner: 'acme', name: 'broken', private: 'no' as unknown as boolean },
    ],
  });
}, 30_000);
afterAll(() => fake.close());

const octokit = (token = 'ghp_test') => new Octokit({ auth: token, baseUrl: fake.url });

describe('the fake GitHub', () => {
  it('answers valid requests in GitHub shapes, with Link pagination', async () => {
    const { data } = await octokit().repos.get({ owner: 'acme', repo: 'app' });
    expect(data).toMatchObject({ full_name: 'acme/app', private: false });
    const page = await octokit().issues.listForRepo({ owner: 'acme', repo: 'app', per_page: 20 });
    expect(page.data).toHaveLength(20);
    expect(page.headers.link).toMatch(/^<[^>]*[?&]page=2[^>]*>; rel="next"/);
    const all = await octokit().paginate(octokit().issues.listForRepo, { owner: 'acme', repo: 'app', per_page: 20 });
    expect(all).toHaveLength(45);
    expect(fake.violations).toEqual([]);
  });

  it('records requests GitHub would refuse: a missing body field, an unknown path', async () => {
    const before = fake.violations.length;
    await expect(octokit().request('POST /repos/{owner}/{repo}/issues', { owner: 'acme', repo: 'app', body: 'no title' } as never)).rejects.toMatchObject({ status: 422 });
    await expect(octokit().request('GET /repos/{owner}/{repo}/no-such-thing', { owner: 'acme', repo: 'app' })).rejects.toMatchObject({ status: 404 });
    expect(fake.violations.slice(before)).toHaveLength(2);
  });

  it('answers in full GitHub shapes, and records an answer of its own that breaks the response schema', async () => {
    const { data } = await octokit().repos.get({ owner: 'acme', repo: 'app' });
    // Fields the fake does not model come from GitHub's example, so the answer is complete.
    expect(data).toHaveProperty('clone_url');
    expect(data.owner).toHaveProperty('avatar_url');
    expect(fake.responseViolations).toEqual([]);
    await octokit().repos.get({ owner: 'acme', repo: 'broken' });
    expect(fake.responseViolations).toMatchObject([{ operationId: 'repos/get', status: 200 }]);
    fake.responseViolations.length = 0;
  });

  it('refuses bad credentials and answers rate limits as GitHub does', async () => {
    await expect(octokit('wrong').repos.get({ owner: 'acme', repo: 'app' })).rejects.toMatchObject({ status: 401 });
    fake.rateLimitNext(1, 120);
    const err = await octokit().repos.get({ owner: 'acme', repo: 'app' }).catch((e: { status: number; response: { headers: Record<string, string> } }) => e);
    expect(err).toMatchObject({ status: 403, response: { headers: { 'x-ratelimit-remaining': '0' } } });
    fake.secondaryLimitNext(1, 3);
    const second = await octokit().repos.get({ owner: 'acme', repo: 'app' }).catch((e: { status: number; response: { headers: Record<string, string> } }) => e);
    expect(second).toMatchObject({ status: 403, response: { headers: { 'retry-after': '3' } } });
  });
});
