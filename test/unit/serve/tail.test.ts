import { appendFileSync, mkdtempSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allowedHosts, hostAllowed, isLoopback } from '../../../src/serve/host.js';
import { JsonlTail } from '../../../src/serve/tail.js';

describe('JsonlTail', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsl-tail-'));
  const file = join(dir, 'events.jsonl');
  afterEach(() => rmSync(file, { force: true }));

  it('returns only what was appended since the last read, and waits for a line still being written', () => {
    const tail = new JsonlTail<{ i: number }>(file);
    expect(tail.read()).toEqual({ reset: false, values: [] });
    writeFileSync(file, '{"i":1}\n{"i":2}\n{"i"');
    expect(tail.read().values).toEqual([{ i: 1 }, { i: 2 }]);
    expect(tail.read().values).toEqual([]);
    appendFileSync(file, ':3}\nnot json\n{"i":4}\n');
    expect(tail.read()).toEqual({ reset: false, values: [{ i: 3 }, { i: 4 }] });
  });

  it('starts again from the top when the log is cut back (a resume) or replaced (a rerun)', () => {
    const tail = new JsonlTail<{ i: number }>(file);
    writeFileSync(file, '{"i":1}\n{"i":2}\n');
    tail.read();
    truncateSync(file, 8);
    appendFileSync(file, '');
    expect(tail.read()).toEqual({ reset: true, values: [{ i: 1 }] });
    unlinkSync(file);
    expect(tail.read()).toEqual({ reset: true, values: [] });
    writeFileSync(file, '{"i":9}\n');
    expect(tail.read()).toEqual({ reset: false, values: [{ i: 9 }] });
  });
});

describe('hosts', () => {
  it('allows the loopback names and the bound host, with the port', () => {
    const allowed = allowedHosts(8080, '192.168.1.5');
    for (const host of ['localhost:8080', '127.0.0.1:8080', '[::1]:8080', '192.168.1.5:8080', 'LocalHost:8080']) expect(hostAllowed(host, allowed), host).toBe(true);
    for (const host of [undefined, 'localhost', 'localhost:8081', 'example.com:8080', '192.168.1.6:8080']) expect(hostAllowed(host, allowed), String(host)).toBe(false);
    expect(hostAllowed('[fe80::1]:80', allowedHosts(80, 'fe80::1'))).toBe(true);
  });

  it('knows which addresses only this machine reaches', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.5', '10.0.0.1'].some(isLoopback)).toBe(false);
  });
});
