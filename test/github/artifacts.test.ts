import { describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import nock from 'nock';
import { strToU8, zipSync } from 'fflate';
import { downloadArtifact, listRunArtifacts, type RunArtifact } from '../../src/github/artifacts.js';
import { readZip } from '../../src/core/evaluation/unzip.js';
import { API, restOctokit } from '../helpers/rest-octokit.js';
import { useNock } from '../helpers/nock.js';

const repo = { owner: 'acme', repo: 'models' };
const BLOB = 'https://pipelinesghubeus2.actions.githubusercontent.com';
const BLOB_PATH = '/artifact/123/signed';
const MIB = 1024 * 1024;

const artifact = (id: number, name: string, extra: Record<string, unknown> = {}) => ({
  id,
  node_id: `MDg6QXJ0aWZhY3Qx${id}`,
  name,
  size_in_bytes: 1234,
  url: `${API}/repos/acme/models/actions/artifacts/${id}`,
  archive_download_url: `${API}/repos/acme/models/actions/artifacts/${id}/zip`,
  expired: false,
  created_at: '2026-01-01T00:00:00Z',
  expires_at: '2026-04-01T00:00:00Z',
  ...extra,
});

describe('listRunArtifacts', () => {
  useNock();

  it('keeps the unexpired modelgate-eval- artifacts across pages', async () => {
    const filler = Array.from({ length: 98 }, (_, i) => artifact(1000 + i, `coverage-${i}`));
    nock(API)
      .get('/repos/acme/models/actions/runs/77/artifacts')
      .query({ per_page: 100, page: 1 })
      .reply(200, { total_count: 102, artifacts: [artifact(1, 'modelgate-eval-sentiment', { size_in_bytes: 5000 }), artifact(2, 'modelgate-eval-old', { expired: true }), ...filler] }, {
        link: `<${API}/repositories/1/actions/runs/77/artifacts?per_page=100&page=2>; rel="next", <${API}/repositories/1/actions/runs/77/artifacts?per_page=100&page=2>; rel="last"`,
      })
      .get('/repos/acme/models/actions/runs/77/artifacts')
      .query({ per_page: 100, page: 2 })
      .reply(200, { total_count: 102, artifacts: [artifact(3, 'my-modelgate-eval-x'), artifact(4, 'modelgate-eval-fraud.v2')] });
    expect(await listRunArtifacts(restOctokit(), repo, 77)).toEqual([
      { id: 1, name: 'modelgate-eval-sentiment', sizeInBytes: 5000 },
      { id: 4, name: 'modelgate-eval-fraud.v2', sizeInBytes: 1234 },
    ]);
  });

  it('makes one request when there is one page', async () => {
    nock(API)
      .get('/repos/acme/models/actions/runs/77/artifacts')
      .query({ per_page: 100, page: 1 })
      .reply(200, { total_count: 0, artifacts: [] });
    expect(await listRunArtifacts(restOctokit(), repo, 77)).toEqual([]);
  });
});

describe('downloadArtifact', () => {
  const zip = zipSync({ 'modelgate-eval.json': strToU8('{"schema_version": 1}'), 'metrics.json': strToU8('{"accuracy": 0.91}') });
  const target: RunArtifact = { id: 123, name: 'modelgate-eval-sentiment', sizeInBytes: zip.length };

  useNock();

  /** GitHub's answer: a redirect to a signed blob URL on another host. */
  const redirect = () =>
    nock(API)
      .get('/repos/acme/models/actions/artifacts/123/zip')
      .matchHeader('authorization', 'token test-token')
      .reply(302, '', { location: `${BLOB}${BLOB_PATH}?sig=abc` });

  it('follows the redirect to the blob host and returns the exact zip bytes', async () => {
    redirect();
    nock(BLOB, { badheaders: ['authorization'] })
      .get(BLOB_PATH)
      .query({ sig: 'abc' })
      .reply(200, Buffer.from(zip), { 'content-type': 'application/zip', 'content-length': String(zip.length) });
    const result = await downloadArtifact(restOctokit(), repo, target, MIB);
    if (!result.ok) throw new Error(result.error);
    expect(Buffer.from(result.bytes).equals(Buffer.from(zip))).toBe(true);
    const read = readZip(result.bytes);
    expect(read.ok && new TextDecoder().decode(read.entries.get('metrics.json'))).toBe('{"accuracy": 0.91}');
  });

  it('reads binary bodies whatever the content type says', async () => {
    redirect();
    nock(BLOB).get(BLOB_PATH).query(true).reply(200, Buffer.from(zip), { 'content-type': 'text/plain; charset=utf-8' });
    const result = await downloadArtifact(restOctokit(), repo, target, MIB);
    expect(result.ok && Buffer.from(result.bytes).equals(Buffer.from(zip))).toBe(true);
  });

  it('refuses an artifact listed over the limit without downloading it', async () => {
    const result = await downloadArtifact(restOctokit(), repo, { ...target, sizeInBytes: 30 * MIB }, 25 * MIB);
    expect(result).toEqual({ ok: false, error: "Artifact 'modelgate-eval-sentiment' is 30 MiB, over the 25 MiB limit for evaluation artifacts." });
  });

  it('refuses a response whose Content-Length is over the limit', async () => {
    redirect();
    nock(BLOB).get(BLOB_PATH).query(true).reply(200, Buffer.alloc(3 * 1024), { 'content-type': 'application/zip', 'content-length': String(3 * 1024) });
    const result = await downloadArtifact(restOctokit(), repo, target, 2 * 1024);
    expect(result).toEqual({ ok: false, error: "Artifact 'modelgate-eval-sentiment' is 3 KiB, over the 2 KiB limit for evaluation artifacts." });
  });

  it('stops reading a body that grows past the limit, whatever the listing said', async () => {
    redirect();
    // No Content-Length: the body is chunked, and larger than the listing claimed.
    const big = Buffer.alloc(3 * MIB, 7);
    nock(BLOB)
      .get(BLOB_PATH)
      .query(true)
      .reply(200, () => Readable.from([big.subarray(0, MIB), big.subarray(MIB, 2 * MIB), big.subarray(2 * MIB)]), { 'content-type': 'application/zip' });
    const result = await downloadArtifact(restOctokit(), repo, target, 2 * MIB);
    expect(result).toEqual({ ok: false, error: "Artifact 'modelgate-eval-sentiment' is over 2 MiB, over the 2 MiB limit for evaluation artifacts." });
  });

  it('reports an expired or deleted artifact', async () => {
    nock(API).get('/repos/acme/models/actions/artifacts/123/zip').reply(410, { message: 'Artifact has expired' });
    expect(await downloadArtifact(restOctokit(), repo, target, MIB)).toEqual({
      ok: false,
      error: "Artifact 'modelgate-eval-sentiment' has expired or was deleted (HTTP 410).",
    });
  });

  it('throws other errors', async () => {
    nock(API).get('/repos/acme/models/actions/artifacts/123/zip').reply(403, { message: 'Resource not accessible by integration' });
    await expect(downloadArtifact(restOctokit(), repo, target, MIB)).rejects.toMatchObject({ status: 403 });
  });
});
