import type { AutoganDiscriminatorModel } from '../nas/autogan.js';
import type { WeightEntry } from './generatorNames.js';

/**
 * The tensors of AutoGAN's discriminator under both namings, following archs/arch_cifar10.py's
 * Discriminator: `block{n}.c1`, `.c2`, `.c_sc` and `l5`. With spectral norm PyTorch keeps
 * `weight_orig` and the power-iteration vectors `weight_u` ([out]) and `weight_v` ([in·kh·kw]);
 * dsl keeps `weight`, `sn_u`, `sn_v`.
 */
export function autoganNaming(model: AutoganDiscriminatorModel, spectralNorm: boolean): WeightEntry[] {
  const entries: WeightEntry[] = [];
  const weight = spectralNorm ? 'weight_orig' : 'weight';
  const vectors = (dsl: string, reference: string, out: number, k: number, cin: number) => {
    if (!spectralNorm) return;
    entries.push({ dsl: `${dsl}.sn_u`, reference: [`${reference}.weight_u`], dslShape: [out], referenceShape: [out], layout: { kind: 'same' }, buffer: true });
    entries.push({ dsl: `${dsl}.sn_v`, reference: [`${reference}.weight_v`], dslShape: [k * k * cin], referenceShape: [cin * k * k], layout: { kind: 'spectralV', kernel: k, channels: cin }, buffer: true });
  };
  const conv = (dsl: string, reference: string, k: number, cin: number, cout: number) => {
    entries.push({ dsl: `${dsl}.weight`, reference: [`${reference}.${weight}`], dslShape: [k, k, cin, cout], referenceShape: [cout, cin, k, k], layout: { kind: 'conv' }, buffer: false });
    entries.push({ dsl: `${dsl}.bias`, reference: [`${reference}.bias`], dslShape: [cout], referenceShape: [cout], layout: { kind: 'same' }, buffer: false });
    vectors(dsl, reference, cout, k, cin);
  };
  for (const block of model.blocks) {
    conv(`${block.name}.conv1`, `${block.name}.c1`, 3, block.inChannels, block.outChannels);
    conv(`${block.name}.conv2`, `${block.name}.c2`, 3, block.outChannels, block.outChannels);
    if (block.shortcut) conv(`${block.name}.shortcut`, `${block.name}.c_sc`, 1, block.inChannels, block.outChannels);
  }
  const C = model.channels;
  entries.push({ dsl: 'head.linear.weight', reference: [`l5.${weight}`], dslShape: [C, 1], referenceShape: [1, C], layout: { kind: 'transpose' }, buffer: false });
  vectors('head.linear', 'l5', 1, 1, C);
  return entries;
}
