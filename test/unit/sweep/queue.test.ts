import { describe, expect, it } from 'vitest';
import { checkTrialJob, outsideRoots } from '../../../src/sweep/core/payload.js';
import { isInside, parseQueueUrl, redactSecret, redactUrl } from '../../../src/sweep/core/queueUrl.js';

const job = {
  format: 'dsl-trial-job/1',
  specFile: '/shared/exp/sweep.yaml',
  set: ['search.nCritic=5'],
  cwd: '/shared/exp',
  fingerprint: 'a'.repeat(64),
  number: 1,
  label: 'nCritic=5',
};

describe('queue URLs', () => {
  it('reads host, port, database, credentials and TLS, and shows only a redacted form', () => {
    expect(parseQueueUrl('redis://:hunter2@queue.lab:6380/3')).toEqual({ host: 'queue.lab', port: 6380, db: 3, password: 'hunter2', tls: false, display: 'redis://:***@queue.lab:6380/3' });
    expect(parseQueueUrl('rediss://alice:p%40ss@h')).toMatchObject({ host: 'h', port: 6379, username: 'alice', password: 'p@ss', tls: true, display: 'rediss://alice:***@h' });
    expect(parseQueueUrl('redis://127.0.0.1:6379').display).toBe('redis://127.0.0.1:6379');
  });

  it('rejects what is not a Redis URL without echoing a password', () => {
    expect(() => parseQueueUrl('http://:secret@h:1')).toThrow(/must start with redis:\/\/ or rediss:\/\//);
    expect(() => parseQueueUrl('redis://:secret@h:1/x')).toThrow(/not a database number/);
    let message = '';
    try {
      parseQueueUrl('redis://:secret@');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^`redis:\/\/:\*\*\*@` (is not a queue URL|names no host)$/);
  });

  it('redacts the password from any text, encoded or not', () => {
    expect(redactUrl('redis://:a b@h')).toBe('redis://:***@h');
    expect(redactSecret('auth failed for p@ss (p%40ss)', 'p@ss')).toBe('auth failed for *** (***)');
  });
});

describe('trial jobs', () => {
  it('accepts a well-formed job and says what is wrong with others', () => {
    expect(checkTrialJob(job)).toBeUndefined();
    expect(checkTrialJob('run me')).toMatch(/not a mapping/);
    expect(checkTrialJob({ ...job, specFile: 'relative.yaml' })).toMatch(/absolute spec file/);
    expect(checkTrialJob({ ...job, set: [42] })).toMatch(/--set list/);
    expect(checkTrialJob({ ...job, fingerprint: '../../etc' })).toMatch(/sha256/);
    expect(checkTrialJob({ ...job, command: 'rm -rf /' })).toBe('the job has unexpected fields: command');
  });

  it('finds the paths outside the served roots, `..` included', () => {
    expect(isInside('/shared/exp/runs', '/shared')).toBe(true);
    expect(isInside('/shared/../etc/passwd', '/shared')).toBe(false);
    expect(isInside('/sharedother/x', '/shared')).toBe(false);
    expect(outsideRoots(['/shared/a.yaml', '/data/cifar', '/shared/runs'], ['/shared'])).toEqual(['/data/cifar']);
  });
});
