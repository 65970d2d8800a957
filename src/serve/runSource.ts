import type { StageGraph } from '../compile/graph.js';
import type { SpaceModel } from '../nas/space.js';
import type { ArtifactStore } from '../run/store.js';
import type { ResolvedSpec } from '../spec/types.js';

/** A run to show: its resolved spec, compiled graph and the store that holds its stages. */
export interface RunSource {
  readonly spec: ResolvedSpec;
  readonly space: SpaceModel;
  readonly graph: StageGraph;
  readonly store: ArtifactStore;
  /** The spec file (absolute). */
  readonly specFile: string;
}
