/** One Server-Sent Event: its name and its JSON payload. */
export interface Message {
  readonly event: string;
  readonly data: unknown;
}

/**
 * What a page shows, whatever it shows (a run; a sweep can be another implementation): the
 * messages that bring a newly opened page up to date, then the ones that follow. The server
 * knows nothing else about it.
 */
export interface ServedView {
  /** The folder whose files the page may load under /files/ (sample grids). */
  readonly root: string;
  /** Everything so far, as the messages a page opened now needs, in order. */
  snapshot(): readonly Message[];
  subscribe(listener: (message: Message) => void): () => void;
  close(): void;
}

/** Fans messages out to subscribers; a listener that throws loses its subscription, not the others'. */
export class Broadcast {
  private readonly listeners = new Set<(message: Message) => void>();

  subscribe(listener: (message: Message) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(event: string, data: unknown): void {
    for (const listener of [...this.listeners]) {
      try {
        listener({ event, data });
      } catch {
        this.listeners.delete(listener);
      }
    }
  }
}
