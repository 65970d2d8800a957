import { appendFileSync, existsSync, readFileSync, statSync, truncateSync } from 'node:fs';

/**
 * An append-only JSON-lines file of a stage's events. A checkpoint records the log's size, so
 * a resumed stage cuts off what was logged after its checkpoint and logs it again: the final
 * log is the same as an uninterrupted run's.
 */
export class EventLog {
  constructor(readonly file: string) {}

  append(event: unknown): void {
    appendFileSync(this.file, `${JSON.stringify(event)}\n`);
  }

  get size(): number {
    return existsSync(this.file) ? statSync(this.file).size : 0;
  }

  truncate(size: number): void {
    if (existsSync(this.file)) truncateSync(this.file, Math.min(size, this.size));
  }

  static read<T>(file: string): T[] {
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as T);
  }
}
