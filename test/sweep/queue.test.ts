import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dslBin, hasStackTrace, repoRoot, runDsl } from '../helpers/cli.js';
import { tempDir } from '../helpers/recordedRun.js';
import { REDIS_REQUIRED, redisServerAvailable, startRedis, type RedisServer } from '../helpers/redis.js';
import { setArgs, TINY } from '../helpers/tiny.js';

const PASSWORD = 'pa55-w0rd-never-shown';
const available = redisServerAvailable();

/** Re-training long enough to be killed in the middle, with frequent checkpoints; no search (the derivation is shared). */
const overrides = (out: string) => [
  ...TINY,
  'derive.from=experiments/genotypes/adversarialnas-cifar10.yaml',
  'train.schedule={ iterations: 24 }',
  'train.checkpointEvery=3',
  'train.logEvery=1',
  `runtime.outDir=${out}`,
];

const spec = (dir: string) => {
  const file = join(dir, 'sweep.yaml');
  writeFileSync(file, `extends: ${join(repoRoot, 'experiments/mnist.yaml')}\nname: queued\nsweep:\n  parameters:\n    train.optimizers.generator.lr: [0.0002, 0.0004]\n`);
  return file;
};

interface Worker {
  readonly child: ChildProcess;
  log: string;
}

function startWorker(url: string, dir: string): Worker {
  const child = spawn(process.execPath, [dslBin, 'worker', '--queue', url, '--stalled-seconds', '2', '--root', dir, '--root', join(repoRoot, 'experiments')], {
    cwd: repoRoot,
    env: { ...process.env, CI: '1', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const worker: Worker = { child, log: '' };
  child.stdout!.on('data', (d: Buffer) => (worker.log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (worker.log += d.toString()));
  return worker;
}

const parentOf = (pid: number): number => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);

/** Waits until some trial's re-training has checkpointed at iteration ≥ 6, and returns its stage directory and the pid of the worker running it. */
async function midTraining(root: string, timeoutMs: number): Promise<{ dir: string; worker: number }> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    for (const d of existsSync(root) ? readdirSync(root).filter((x) => x.startsWith('train-')) : []) {
      const events = join(root, d, 'events.jsonl');
      const owner = join(root, '.locks', `${d}.lock`, 'owner.json');
      if (!existsSync(events) || !existsSync(owner)) continue;
      const checkpoints = readFileSync(events, 'utf8').split('\n').filter((l) => l.includes('"type":"checkpoint"'));
      const last = checkpoints.length ? (JSON.parse(checkpoints.at(-1)!) as { iteration: number }).iteration : 0;
      if (last >= 6 && last < 24) {
        try {
          return { dir: join(root, d), worker: parentOf((JSON.parse(readFileSync(owner, 'utf8')) as { pid: number }).pid) };
        } catch {
          // the owner file or process changed under us: look again
        }
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no trial reached the middle of its re-training in time');
}

const suite = available ? describe : describe.skip;

if (!available && REDIS_REQUIRED) {
  describe('dsl sweep on Redis', () => {
    it('needs redis-server, which CI installs (.ci/run)', () => {
      throw new Error('redis-server is not installed: apt-get install -y --no-install-recommends redis-server');
    });
  });
}

suite(`dsl sweep on Redis${available ? '' : ' (skipped: redis-server is not installed)'}`, () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis(PASSWORD);
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('survives a worker killed with -9 mid-trial: every trial completes once, shared stages exist once, the killed one resumes to the same weights', async () => {
    const dir = tempDir('dsl-queue-');
    const out = join(dir, 'runs');
    const root = join(out, 'queued');
    const file = spec(dir);
    const workers = [startWorker(redis.url, dir), startWorker(redis.url, dir)];
    try {
      const sweepArgs = ['sweep', file, ...setArgs(overrides(out)), '--queue', redis.url, '--json'];
      const first = spawn(process.execPath, [dslBin, ...sweepArgs], { cwd: repoRoot, env: { ...process.env, CI: '1', NO_COLOR: '1' }, stdio: 'ignore' });
      const { dir: killedTrain, worker } = await midTraining(root, 300_000);
      const victim = workers.find((w) => w.child.pid === worker)!;
      expect(victim).toBeDefined();
      victim.child.kill('SIGKILL');
      // The waiting `dsl sweep` dies too; started again, it reattaches to the same jobs.
      first.kill('SIGKILL');
      const result = await runDsl(sweepArgs, { timeoutMs: 400_000 });
      expect(result.stderr).toContain('queued 0 new trials; 2 already on the queue');
      expect(result.code, result.stderr).toBe(0);
      expect(hasStackTrace(result.stderr)).toBe(false);
      const json = JSON.parse(result.stdout) as { trials: { status: string; runDir: string }[] };
      expect(json.trials.map((t) => t.status)).toEqual(['complete', 'complete']);

      // Each trial evaluated exactly once; the derivation both share exists once.
      const dirs = (prefix: string) => readdirSync(root).filter((d) => d.startsWith(prefix));
      expect(dirs('derive-')).toHaveLength(1);
      expect(dirs('train-')).toHaveLength(2);
      expect(dirs('evaluate-')).toHaveLength(2);
      for (const d of dirs('evaluate-')) expect(JSON.parse(readFileSync(join(root, d, 'manifest.json'), 'utf8'))).toMatchObject({ status: 'complete', attempts: 1 });

      // The killed trial's re-training resumed from a checkpoint, on the other worker.
      const starts = readFileSync(join(killedTrain, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; resumedFrom?: number }).filter((e) => e.type === 'start');
      expect(starts.length).toBe(2);
      expect(starts[1]!.resumedFrom).toBeGreaterThanOrEqual(3);
      expect(JSON.parse(readFileSync(join(killedTrain, 'manifest.json'), 'utf8'))).toMatchObject({ status: 'complete', attempts: 2 });
      const survivor = workers.find((w) => w !== victim)!;
      expect(survivor.log.match(/: running/g)!.length).toBeGreaterThanOrEqual(2);

      // Its weights equal those of an uninterrupted run of the same trial.
      const config = JSON.parse(readFileSync(join(killedTrain, 'manifest.json'), 'utf8')) as { config: { train: { optimizers: { generator: { lr: number } } } } };
      const straightOut = join(dir, 'straight');
      const straight = await runDsl(['run', file, '--until', 'train', ...setArgs([...overrides(straightOut), `train.optimizers.generator.lr=${config.config.train.optimizers.generator.lr}`])], { timeoutMs: 300_000 });
      expect(straight.code, straight.stderr).toBe(0);
      const name = killedTrain.split('/').pop()!;
      expect(readFileSync(join(straightOut, 'queued', name, 'generator.bin')).equals(readFileSync(join(killedTrain, 'generator.bin')))).toBe(true);

      // Submitting the same sweep again queues nothing and finds every trial done.
      const again = await runDsl(['sweep', file, ...setArgs(overrides(out)), '--queue', redis.url], { timeoutMs: 60_000 });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain('queued 0 new trials; 2 already on the queue');

      // The password appears nowhere a person could read it.
      for (const text of [result.stderr, result.stdout, again.stderr, ...workers.map((w) => w.log), readFileSync(join(root, readdirSync(root).find((d) => d.startsWith('sweep-'))!, 'summary.md'), 'utf8')]) {
        expect(text).not.toContain(PASSWORD);
      }
      expect(result.stderr).toContain(`redis://:***@127.0.0.1:${redis.port}`);
    } finally {
      for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
    }
  }, 600_000);

  it('refuses a trial whose spec lies outside the directories a worker serves, and says so in the trial status', async () => {
    const dir = tempDir('dsl-queue-refuse-');
    const file = spec(dir);
    const elsewhere = tempDir('dsl-queue-elsewhere-');
    const worker = startWorker(redis.url, elsewhere);
    try {
      const result = await runDsl(['sweep', file, ...setArgs(overrides(join(dir, 'runs'))), '--set', 'train.optimizers.generator.lr=0.0001', '--queue', redis.url, '--json'], { timeoutMs: 120_000 });
      expect(result.code).toBe(1);
      const json = JSON.parse(result.stdout) as { trials: { status: string; error?: string }[] };
      expect(json.trials.map((t) => t.status), worker.log).toEqual(["refused", "refused"]);
      expect(json.trials[0]!.error).toMatch(/refused: the spec .*sweep\.yaml is outside the directories this worker serves/);
      expect(result.stderr).not.toContain(PASSWORD);
    } finally {
      worker.child.kill('SIGTERM');
    }
  }, 150_000);

  it('fails at once, without the password, when the queue cannot be reached', async () => {
    const result = await runDsl(['worker', '--queue', `redis://:${PASSWORD}@127.0.0.1:1`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: cannot reach the queue at redis://:***@127.0.0.1:1');
    expect(result.stderr).not.toContain(PASSWORD);
    expect(hasStackTrace(result.stderr)).toBe(false);
  });
});
