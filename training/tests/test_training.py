"""Architecture, export-prep and data checks. Run: cd training && /usr/bin/python3 -m unittest -v"""
import dataclasses
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(1, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'reference'))  # golden_ptq, int8, fx_module
import data  # noqa: E402
import models  # noqa: E402
from bundle import read_bundle, read_manifest, read_sample, read_split  # noqa: E402

ROOT = os.path.join(data.HERE, '..')
FIXTURES = os.path.join(ROOT, 'golden', 'out', 'fixtures')


class Architectures(unittest.TestCase):
    def test_sizes_match_the_paper_layouts(self):
        expect = {'shufflenetv2': (1.26e6, 45.0e6), 'ghostnet_vgg': (7.39e6, 157.8e6)}
        for arch, (params, macs) in expect.items():
            m = models.build(arch, 10)
            n = sum(p.numel() for p in m.parameters())
            self.assertAlmostEqual(n / params, 1, delta=0.01, msg=arch)
            self.assertAlmostEqual(models.count_macs(m) / macs, 1, delta=0.01, msg=arch)

    def test_mobileone_reparameterisation_computes_the_same_function(self):
        g = torch.Generator().manual_seed(0)
        m = models.build('mobileone_s0', 10).eval()
        models.randomise_bn(m, g)
        x = torch.randn(4, 3, 32, 32, generator=g)
        with torch.no_grad():
            before = m(x)
            after = m.reparameterize()(x)
        self.assertEqual(sum(1 for mod in m.modules() if isinstance(mod, torch.nn.BatchNorm2d)), 0)
        self.assertLess(((before - after).abs().max() / before.abs().max()).item(), 1e-5)

    def test_unknown_architecture_lists_the_valid_ones(self):
        with self.assertRaisesRegex(ValueError, 'shufflenetv2, ghostnet_vgg, mobileone_s0'):
            models.build('resnet', 10)


class Data(unittest.TestCase):
    def test_cifar10_splits_file_is_reproducible_and_disjoint(self):
        with open(data.splits_file('cifar10')) as f:
            sp = json.load(f)
        self.assertEqual(sp, data.cifar10_split_indices(sp['seed']))
        self.assertEqual(len(set(sp['val'])), 5000)
        self.assertFalse(set(sp['val']) & set(sp['pool']))

    def test_grey_28x28_images_become_rgb_32x32_with_zero_border(self):
        x = data.to_input(np.full((2, 28, 28, 1), 200, np.uint8), [100.0] * 3, [50.0] * 3)
        self.assertEqual(tuple(x.shape), (2, 3, 32, 32))
        self.assertTrue(torch.all(x[:, :, 2:30, 2:30] == 2.0))
        self.assertEqual(x[:, :, :2].abs().sum().item() + x[:, :, 30:].abs().sum().item(), 0)

    def test_augment_crops_and_flips_each_image_as_slicing_would(self):
        x = torch.randn(16, 3, 32, 32)
        for flip in (True, False):
            g, ref = torch.Generator().manual_seed(5), torch.Generator().manual_seed(5)
            got = data.augment(x, g, flip)
            p = torch.nn.functional.pad(x, [4, 4, 4, 4])
            dy, dx = torch.randint(0, 9, (16,), generator=ref), torch.randint(0, 9, (16,), generator=ref)
            want = torch.stack([p[i, :, dy[i]:dy[i] + 32, dx[i]:dx[i] + 32] for i in range(16)])
            if flip:
                f = torch.rand(16, generator=ref) < 0.5
                self.assertTrue(0 < f.sum() < 16)
                want[f] = want[f].flip(3)
            self.assertTrue(torch.equal(got, want), flip)
            self.assertTrue(torch.equal(g.get_state(), ref.get_state()), 'same draws, so a resumed run continues alike')

    def test_shipped_medmnist_bundle_holds_the_images_training_uses(self):
        b, src = read_bundle(os.path.join(ROOT, 'public', 'data', 'retinamnist')), data.load('retinamnist')
        for s in ('train', 'val', 'test'):
            for i in (0, 1):
                np.testing.assert_array_equal(b.splits[s][i], src.splits[s][i])

    def test_shipped_cifar10_bundle_holds_the_validation_and_pool_images_of_the_splits_file(self):
        folder = os.path.join(ROOT, 'public', 'data', 'cifar10')
        m, src = read_manifest(folder), data.load('cifar10')
        X, Y = src.splits['train']
        for split, (Xs, Ys) in (('val', src.splits['val']), ('pool', (X[src.pool_index], Y[src.pool_index]))):
            images, labels = read_split(folder, m, split, max_shards=1)  # one shard keeps the test quick
            np.testing.assert_array_equal(images, Xs[:len(images)])
            np.testing.assert_array_equal(labels, Ys[:len(images)])

    def test_the_golden_checks_sample_every_class_of_a_class_major_test_set(self):
        folder = os.path.join(ROOT, 'public', 'data', 'cifar10')
        m = read_manifest(folder)
        X, Y = read_split(folder, m, 'test')
        self.assertEqual(set(Y[:1000].tolist()), {0})  # why a sample: the bundle's first 1,000 are airplanes
        idx, images, labels = read_sample(folder, m, 'test', 200)
        self.assertEqual(len(set(idx.tolist())), 200)
        self.assertEqual(set(labels.tolist()), set(range(10)))
        np.testing.assert_array_equal(images, X[idx])
        np.testing.assert_array_equal(read_sample(folder, m, 'test', 200)[0], idx)  # seeded
        self.assertEqual(len(read_sample(folder, m, 'test', 20000)[0]), len(Y))

    def test_a_tampered_bundle_is_refused(self):
        folder = os.path.join(FIXTURES, '..', 'pathmnist-bundle')
        with tempfile.TemporaryDirectory() as t:
            subprocess.run(['cp', '-r', folder, t], check=True)
            copy = os.path.join(t, 'pathmnist-bundle')
            with open(os.path.join(copy, 'train.0.paeth-gzip'), 'r+b') as f:
                f.seek(30)
                f.write(b'\0\0\0')
            with self.assertRaisesRegex(ValueError, 'sha256'):
                read_bundle(copy)


class Training(unittest.TestCase):
    def test_one_short_epoch_on_an_imported_pathmnist_bundle_and_its_resume(self):
        folder = os.path.join(FIXTURES, '..', 'pathmnist-bundle')  # made by `npm run import` in scripts/test.sh
        with tempfile.TemporaryDirectory() as t:
            def run(*extra):
                return subprocess.run([sys.executable, os.path.join(data.HERE, 'train.py'), '--dataset', folder, '--arch',
                                       'shufflenetv2', '--epochs', '1', '--limit', '64', '--ckpt', t, '--out', t, *extra],
                                      capture_output=True, text=True)
            r = run()
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(t, 'pathmnist-bundle-shufflenetv2', 'log.json')) as f:
                log = json.load(f)
            self.assertEqual(len(log['log']), 1)
            self.assertTrue(np.isfinite(log['log'][0]['loss']))
            self.assertEqual(log['log'][0]['device'], 'cpu')
            final = torch.load(os.path.join(t, 'pathmnist-bundle-shufflenetv2', 'final.pt'))
            self.assertEqual(len(final['classes']), 9)

            # The checkpoint resumes where only the place of the run changed (threads, output folder)...
            again = run('--threads', '1', '--out', os.path.join(t, 'elsewhere'))
            self.assertEqual(again.returncode, 0, again.stderr)
            self.assertIn('resumed pathmnist-bundle-shufflenetv2 at epoch 1', again.stdout)
            # ...and is refused where the recipe changed.
            other = run('--lr', '0.05')
            self.assertNotEqual(other.returncode, 0)
            self.assertIn('was made with another config (--lr 0.1 there, 0.05 now)', other.stderr)
            # CUDA graphs are a GPU-only way to run the same steps: asked for on a CPU, a clear refusal.
            graphs = run('--graphs', '1')
            self.assertNotEqual(graphs.returncode, 0)
            self.assertIn('--graphs 1 needs --device cuda', graphs.stderr)


    def test_a_resume_refusal_names_each_changed_field_of_the_recipe_only(self):
        import train
        saved = dataclasses.asdict(train.Config(epochs=5))
        del saved['warmup']  # a field added after the checkpoint was made counts as its default
        cfg = train.Config(epochs=7, lr=0.05, threads=1, out='/elsewhere')
        self.assertEqual(train.config_changes(saved, cfg), [('epochs', 5, 7), ('lr', 0.1, 0.05)])
        self.assertEqual(train.config_changes(saved, train.Config(epochs=5, warmup=0)), [])


class ByoPipeline(unittest.TestCase):
    """A run records where its data came from, so that it is exported from any folder (export.py RUN OUT)."""
    def test_a_run_on_a_bundle_is_exported_from_elsewhere_with_the_data_it_recorded(self):
        folder = os.path.abspath(os.path.join(FIXTURES, '..', 'pathmnist-bundle'))
        with tempfile.TemporaryDirectory() as t:
            train = [sys.executable, os.path.join(data.HERE, 'train.py'), '--dataset', os.path.relpath(folder, t), '--arch', 'mobileone_s0',
                     '--epochs', '1', '--limit', '64', '--threads', '1', '--ckpt', t, '--out', t]
            r = subprocess.run(train, capture_output=True, text=True, cwd=t)
            self.assertEqual(r.returncode, 0, r.stderr)
            run = os.path.join(t, 'pathmnist-bundle-mobileone_s0')
            final = torch.load(os.path.join(run, 'final.pt'))
            self.assertEqual((final['dataset'], final['data']), ('pathmnist', folder))
            with open(os.path.join(folder, 'manifest.json'), 'rb') as f:
                self.assertEqual(final['data_sha256'], hashlib.sha256(f.read()).hexdigest())
            export = [sys.executable, os.path.join(data.HERE, 'export.py'), run, os.path.join(t, 'model'), '--threads', '1']
            r = subprocess.run(export, capture_output=True, text=True, cwd='/')
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(t, 'model', 'model.json')) as f:
                doc = json.load(f)
            self.assertEqual((doc['dataset'], doc['fp32']['images']), ('pathmnist', 45))
            self.assertTrue(os.path.isfile(os.path.join(t, 'model', 'weights.bin')))
            wrong = subprocess.run([*export[:4], '--data', os.path.join(ROOT, 'public', 'data', 'retinamnist')], capture_output=True, text=True)
            self.assertNotEqual(wrong.returncode, 0)
            self.assertIn('the run was trained on', wrong.stderr)
            self.assertIn('pass --data', wrong.stderr)


class Export(unittest.TestCase):
    def test_exported_graphs_compute_the_models_with_folded_batchnorm(self):
        import export
        g = torch.Generator().manual_seed(3)
        for arch in models.ARCHS:
            m = models.build(arch, 4).eval()
            models.randomise_bn(m, g)
            if arch == 'mobileone_s0':
                m.reparameterize()
            with tempfile.TemporaryDirectory() as t:
                doc, w = export.export(m, dict(name='t', arch=arch), ([1.0] * 3, [2.0] * 3), (28, 28, 1), t)
                self.assertEqual(os.path.getsize(os.path.join(t, 'weights.bin')), doc['weights']['bytes'])
            x = torch.randn(2, 3, 32, 32, generator=g)
            with torch.no_grad():
                ref, got = m(x), export.run_graph(doc, w, x)
            self.assertLess(((ref - got).abs().max() / ref.abs().max()).item(), 1e-5, arch)
            self.assertNotIn('batchnorm', json.dumps(doc).lower())

    def test_a_grouped_conv_that_tfjs_cannot_run_is_refused(self):
        import export
        m = torch.nn.Sequential(torch.nn.Conv2d(3, 6, 3, padding=1), torch.nn.Conv2d(6, 6, 3, padding=1, groups=2))
        with self.assertRaisesRegex(ValueError, 'groups=2'):
            export.Exporter(m).run(torch.zeros(1, 3, 32, 32))


class Trace(unittest.TestCase):
    def run_trace(self, *extra):
        model = os.path.join(data.HERE, '..', 'public', 'models', 'retinamnist', 'mobileone_s0')
        return subprocess.run([sys.executable, os.path.join(data.HERE, 'reference', 'trace_ptq.py'), model, '--calibration-images', '64', *extra],
                              capture_output=True, text=True)

    def test_explains_one_observer_and_reproduces_the_float_accuracy(self):
        r = self.run_trace('--w', '8', '--a', '8', '--observer', '1')
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(data.HERE, '..', 'public', 'models', 'retinamnist', 'mobileone_s0', 'model.json')) as f:
            fp32 = json.load(f)['fp32']['accuracy']
        self.assertIn(f'FP32 {fp32:.2%}', r.stdout)  # the tracer's float path is the exported model
        self.assertIn('observer 1 (relu)', r.stdout)
        for grid in ('A8, its histogram qparams', 'A4, min/max per channel', 'A8, min/max of the tensor (no clipping)'):
            self.assertRegex(r.stdout, re.escape(grid) + r': \d+\.\d\d%')

    def test_weights_only_lists_every_layer_with_its_accuracy_and_weight_error(self):
        r = self.run_trace('--w', '4', '--a', '8', '--weights-only')
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(data.HERE, '..', 'public', 'models', 'retinamnist', 'mobileone_s0', 'model.json')) as f:
            layers = [nd['name'] for nd in json.load(f)['nodes'] if nd['op'] in ('conv2d', 'dense')]
        rows = re.findall(r'^\| (\S+) \| (\d+) \| (\d+\.\d\d)% \| (\d+\.\d)% \| (\d\.\d{3}) \|$', r.stdout, re.M)
        self.assertEqual([row[0] for row in rows], layers)
        for _, _, acc, zeroed, err in rows:
            self.assertLessEqual(float(acc), 100)
            self.assertLess(float(zeroed), 100)
            self.assertGreater(float(err), 0)  # 4-bit weights are never exact
        self.assertNotIn('observer', r.stdout.split('W4 weights')[1])  # no observer table, no explanation
        self.assertRegex(r.stdout, r'FP32 \d+\.\d\d%, all weights W4 \d+\.\d\d%')  # no calibration, so no quantized figure
        self.assertNotIn('quantized', r.stdout)

    def test_weights_only_needs_quantized_weights(self):
        r = self.run_trace('--w', '32', '--weights-only')
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('--weights-only needs quantized weights', r.stderr)

    def test_an_observer_the_model_lacks_is_refused(self):
        r = self.run_trace('--observer', '999')
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('--observer must be 0 .. 28', r.stderr)


class FxPipeline(unittest.TestCase):
    """fx_module.py: exported graphs rebuilt as modules for torch's own prepare_fx / convert_to_reference_fx
    (golden_fx.py runs them on the shipped models; here the random models golden_models.py writes)."""
    def random_models(self):
        import golden_ptq
        root = os.path.join(data.HERE, '..', 'golden', 'out', 'random-models')
        return {a: golden_ptq.load(os.path.join(root, a, 'model.json')) for a in [*models.ARCHS, 'residual']}

    def test_the_rebuilt_module_computes_the_graph_and_torch_observes_it_where_the_export_recorded(self):
        import export
        import fx_module
        for doc, weights in self.random_models().values():
            m = fx_module.ExportedModule(doc, weights).eval()
            x = torch.randn(3, 3, 32, 32, generator=torch.Generator().manual_seed(1))
            with torch.no_grad():
                self.assertTrue(torch.equal(m(x), export.run_graph(doc, weights, x)), doc['arch'])
            self.assertEqual(fx_module.placement(m, doc, weights), doc['quant'], doc['arch'])

    def test_torchs_reference_model_keeps_8_bit_ranges_below_8_bits(self):
        import fx_module
        import golden_ptq
        from torch.ao.quantization.quantize_fx import convert_to_reference_fx
        doc, weights = self.random_models()['mobileone_s0']
        g = torch.Generator().manual_seed(2)
        calib = [torch.randn(4, 3, 32, 32, generator=g) * 1.5 for _ in range(2)]
        x = torch.randn(8, 3, 32, 32, generator=g) * 1.5
        by_node, sets = golden_ptq.calibrate_widths(doc, weights, calib, [4])
        qp = golden_ptq.qparams(sets[4])
        prepared, names = fx_module.calibrated(doc, weights, calib, 4, 4)
        mods = dict(prepared.named_modules())
        self.assertEqual(golden_ptq.qparams([mods[n] for n in names]), qp)
        with torch.no_grad():
            literal = convert_to_reference_fx(prepared)(x)
        replay = {c: golden_ptq.fake_quant_logits(doc, golden_ptq.quantize_weights(doc, weights, 4, clamp=c), by_node, qp, x, 4, clamp=c)
                  for c in ('bits', 'dtype')}
        self.assertTrue(torch.equal(literal, replay['dtype']))
        self.assertFalse(torch.equal(literal, replay['bits']))

    def test_what_a_module_cannot_express_is_refused(self):
        import fx_module
        import int8
        doc, weights = self.random_models()['ghostnet_vgg']
        doc = json.loads(json.dumps(doc))
        conv = next(nd for nd in doc['nodes'] if nd['op'] == 'conv2d' and nd['padding'] == [1, 1, 1, 1])
        conv['padding'] = [0, 1, 0, 1]
        with self.assertRaisesRegex(ValueError, 'uneven padding'):
            fx_module.ExportedModule(doc, weights)
        with self.assertRaisesRegex(ValueError, "clamp must be one of"):
            int8.clamp_range(4, False, 'int4')


class Int8Trace(unittest.TestCase):
    """compare_int8.py --trace, on the golden files (golden_ptq.py runs before these tests)."""
    def run_trace(self, *args):
        return subprocess.run([sys.executable, os.path.join(data.HERE, 'reference', 'compare_int8.py'), '--engines', 'onednn', *args],
                              capture_output=True, text=True)

    def test_lists_every_observed_node_in_order_from_an_identical_input(self):
        r = self.run_trace('--trace', 'w8a8', '--models', 'retinamnist-mobileone_s0')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r'retinamnist-mobileone_s0 W8/A8 on onednn: top-1 differs on \d+ of 200 images')
        with open(os.path.join(data.HERE, '..', 'public', 'models', 'retinamnist', 'mobileone_s0', 'model.json')) as f:
            doc = json.load(f)
        observed = {node for node, _ in doc['quant']['events']}
        rows = re.findall(r'^\| (\S+) \| (\w+) \| ([\d.e+-]+)% \| (\d+) \| ', r.stdout, re.M)
        self.assertEqual([row[0] for row in rows], [nd['name'] for nd in doc['nodes'] if nd['name'] in observed])
        self.assertEqual(rows[0][1:], ('input', '0', '0'))  # both quantize the input with the same qparams

    def test_a_bad_precision_or_model_is_refused(self):
        for args, said in ((('--trace', 'w9a8'), 'bits 2 to 8'), (('--trace', 'w8a8', '--models', 'imagenet-'), 'no shipped model')):
            r = self.run_trace(*args)
            self.assertEqual(r.returncode, 2)
            self.assertIn(said, r.stderr)


if __name__ == '__main__':
    unittest.main()
