import { describe, expect, it } from 'vitest';
import { archChoices, archColor, archTitle, archsWithModels, orderArchs } from './archs';

const entry = (dataset: string, arch: string, user = false) => ({
  dataset,
  arch,
  sha256: 'x',
  ...(user ? { user } : {}),
});

describe('architectures in the views', () => {
  it("should list the paper's three in its order, then the user's by name, each once", () => {
    expect(orderArchs(['resnet', 'mobileone_s0', 'alexnet', 'shufflenetv2', 'resnet'])).toEqual([
      'shufflenetv2',
      'mobileone_s0',
      'alexnet',
      'resnet',
    ]);
    const models = [
      entry('retinamnist', 'mobileone_s0'),
      entry('retinamnist', 'ghostnet_vgg'),
      entry('retinamnist', 'resnet', true),
      entry('cifar10', 'vgg', true),
    ];
    expect(archsWithModels(models, 'retinamnist')).toEqual(['ghostnet_vgg', 'mobileone_s0', 'resnet']);
    expect(archChoices(models, 'retinamnist')).toEqual([
      'shufflenetv2',
      'ghostnet_vgg',
      'mobileone_s0',
      'resnet',
    ]);
    expect(archChoices(models, 'pneumoniamnist')).toEqual(['shufflenetv2', 'ghostnet_vgg', 'mobileone_s0']);
  });

  it("should title and colour the user's architectures apart from the paper's and from each other", () => {
    expect(archTitle('ghostnet_vgg')).toBe('GhostNet-VGG');
    expect(archTitle('resnet')).toBe('resnet');
    const shown = orderArchs(['mobileone_s0', 'resnet', 'alexnet', 'shufflenetv2', 'ghostnet_vgg']);
    const colours = shown.map((a) => archColor(a, shown));
    expect(new Set(colours).size).toBe(5);
    expect(archColor('mobileone_s0', shown)).toBe(archColor('mobileone_s0', ['mobileone_s0'])); // the paper's are fixed
  });
});
