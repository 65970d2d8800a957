import { shortFingerprint } from './fingerprint.js';
import type { StageGraph } from './graph.js';
import type { Action } from './plan.js';

const STYLE: Record<Action, string> = {
  skip: 'fill:#e8f5e9,stroke:#2e7d32',
  resume: 'fill:#fff8e1,stroke:#f9a825',
  run: 'fill:#e3f2fd,stroke:#1565c0',
};

/** The stage graph as a Mermaid flowchart, optionally coloured by planned action. */
export function toMermaid(graph: StageGraph, actions?: Readonly<Partial<Record<string, Action>>>): string {
  const lines = ['flowchart LR'];
  for (const stage of graph.stages) {
    lines.push(`  ${stage.name}["${stage.name}<br/><small>${shortFingerprint(stage.fingerprint)}</small>"]`);
  }
  for (const stage of graph.stages) {
    for (const input of stage.inputs) lines.push(`  ${input.stage} -->|${input.artifact}| ${stage.name}`);
  }
  if (actions) {
    for (const stage of graph.stages) {
      const action = actions[stage.name];
      if (action) lines.push(`  style ${stage.name} ${STYLE[action]}`);
    }
  }
  return lines.join('\n');
}
