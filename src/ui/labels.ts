// Display names shared by the panels.
import type { ArchName } from './url';

export const ARCH_TITLES: Record<ArchName, string> = { shufflenetv2: 'ShuffleNetV2 1.0x', ghostnet_vgg: 'GhostNet-VGG', mobileone_s0: 'MobileOne-S0 (reduced)' };
export const PRECISIONS = [['fp32', 'FP32'], ['w8a8', 'W8/A8'], ['w4a8', 'W4/A8'], ['w4a4', 'W4/A4']] as const;
