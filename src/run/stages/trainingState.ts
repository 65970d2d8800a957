import type { Checkpoint } from '../../io/checkpoint.js';
import type { ParamStore } from '../../ml/params.js';
import type { Adam } from '../../ml/train/adam.js';
import type { Ema } from '../../ml/train/ema.js';

/** The stateful parts of a training loop, by name, for checkpoints. */
export interface TrainingParts {
  readonly stores: Readonly<Record<string, ParamStore>>;
  readonly optimizers: Readonly<Record<string, Adam | undefined>>;
  readonly ema: Ema;
}

/** Every variable, optimizer moment and EMA average, plus the loop's JSON state. */
export async function captureState(parts: TrainingParts, state: Record<string, unknown>): Promise<Checkpoint> {
  const tensors = new Map<string, Float32Array>();
  for (const [prefix, store] of Object.entries(parts.stores)) {
    for (const [name, data] of await store.read()) tensors.set(`${prefix}/${name}`, data);
  }
  const steps: Record<string, number> = {};
  for (const [prefix, optimizer] of Object.entries(parts.optimizers)) {
    if (!optimizer) continue;
    const s = await optimizer.getState();
    steps[prefix] = s.step;
    for (const [name, data] of s.m) tensors.set(`adam.${prefix}.m/${name}`, data);
    for (const [name, data] of s.v) tensors.set(`adam.${prefix}.v/${name}`, data);
  }
  for (const [name, data] of await parts.ema.read()) tensors.set(`ema/${name}`, data);
  return { state: { ...state, optimizerSteps: steps }, tensors };
}

/** Puts a captured state back; returns the loop's JSON state. */
export function restoreState(parts: TrainingParts, checkpoint: Checkpoint): Record<string, unknown> {
  const take = (prefix: string) => {
    const out = new Map<string, Float32Array>();
    for (const [key, data] of checkpoint.tensors) if (key.startsWith(prefix)) out.set(key.slice(prefix.length), data);
    return out;
  };
  for (const [prefix, store] of Object.entries(parts.stores)) store.write(take(`${prefix}/`));
  const state = checkpoint.state as Record<string, unknown> & { optimizerSteps: Record<string, number> };
  for (const [prefix, optimizer] of Object.entries(parts.optimizers)) {
    if (!optimizer) continue;
    optimizer.setState({ step: state.optimizerSteps[prefix] ?? 0, m: take(`adam.${prefix}.m/`), v: take(`adam.${prefix}.v/`) });
  }
  parts.ema.write(take('ema/'));
  return state;
}
