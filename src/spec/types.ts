import type { ExperimentSpec, Resolved } from './types.generated.js';

export type { ExperimentSpec };

export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** What resolveSpec() returns: every default, `extends` and `--set` applied; read-only. */
export type ResolvedSpec = DeepReadonly<Omit<Resolved.ResolvedSpec, 'extends' | '$schema'> & { name: string }>;

export type OperationDef = DeepReadonly<Resolved.Operation>;
export type ConvOpDef = DeepReadonly<Resolved.ConvOp>;
export type CellDef = DeepReadonly<Resolved.Cell>;
export type GeneratorSpaceDef = ResolvedSpec['searchSpace']['generator'];
export type DiscriminatorSpaceDef = ResolvedSpec['searchSpace']['discriminator'];
export type ScheduleDef = DeepReadonly<Resolved.Schedule>;
export type BatchDef = DeepReadonly<Resolved.Batch>;
export type AdamDef = DeepReadonly<Resolved.WeightAdam>;
export type InitKind = Resolved.Init;
