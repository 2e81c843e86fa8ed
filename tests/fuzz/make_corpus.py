#!/usr/bin/env python3
"""Writes the seed corpora (corpus/<target>/) and the regression inputs
(regressions/<target>/) of the fuzz targets. Run from anywhere; it rewrites
only the files it names. The regression inputs are the bugs of issue 15, one
file each, named after what they did to soma before it was fixed."""
import gzip
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def put(kind, target, name, data):
    folder = os.path.join(HERE, kind, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def files(*texts):
    """The config target's input: TOML files separated by lines "%%"."""
    return "\n%%\n".join(texts)


def idx(dims, data=None):
    n = 1
    for d in dims:
        n *= d
    if data is None:
        data = bytes((i * 7 + 3) % 256 for i in range(n))
    return bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + data


def gz(data):
    return gzip.compress(data, mtime=0)


def gzip_bomb(header, zeros):
    """header, then `zeros` zero bytes, gzip-compressed without holding them."""
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [c.compress(header)]
    chunk = bytes(1 << 20)
    left = zeros
    while left:
        n = min(left, len(chunk))
        out.append(c.compress(chunk[:n]))
        left -= n
    out.append(c.flush())
    return b"".join(out)


def model_sections(body):
    """(name, payload offset, payload length) of each section of a model file body."""
    count = struct.unpack_from("<I", body, 12)[0]
    pos, out = 24, []
    for _ in range(count):
        n = struct.unpack_from("<I", body, pos)[0]
        name = body[pos + 4:pos + 4 + n].decode()
        length = struct.unpack_from("<Q", body, pos + 4 + n)[0]
        out.append((name, pos + 12 + n, length))
        pos += 12 + n + length
    return out


def model_inputs(model):
    """Seeds and regression inputs of the model target from a real model file
    (the first byte: 0 = the whole file, 1 = its body, sealed by the harness)."""
    body = model[:-32]
    put("corpus", "model", "model.soma", b"\x00" + model)
    put("corpus", "model", "body.bin", b"\x01" + body)
    tensors = next(offset for name, offset, _ in model_sections(body) if name == "tensors")
    def with_u32(at, value):
        return b"\x01" + body[:at] + struct.pack("<I", value) + body[at + 4:]
    # A valid checksum over lying counts: nothing may be sized by them.
    put("regressions", "model", "claims_4294967295_tensors.bin", with_u32(tensors, 0xFFFFFFFF))
    name_length = struct.unpack_from("<I", body, tensors + 4)[0]
    rank_at = tensors + 8 + name_length + 2
    dims_at = rank_at + 1
    put("regressions", "model", "huge_dimensions.bin",
        b"\x01" + body[:dims_at] + struct.pack("<II", 0x7FFFFFFF, 0x7FFFFFFF) + body[dims_at + 8:])
    put("regressions", "model", "zero_dimension.bin", with_u32(dims_at, 0))
    put("regressions", "model", "old_weights_bin.bin", b"\x00" + b"SOMAWTS1" + struct.pack("<I", 30000000))


def checkpoint_inputs(checkpoint):
    """Seeds and regression inputs of the model target from a real checkpoint
    (the first byte: 2 = the whole file, 3 = its body, sealed by the harness)."""
    body = checkpoint[:-32]
    put("corpus", "model", "checkpoint.soma", b"\x02" + checkpoint)
    put("corpus", "model", "checkpoint_body.bin", b"\x03" + body)
    sections = {name: (offset, length) for name, offset, length in model_sections(body)}
    state, progress = sections["state"][0], sections["progress"][0]
    def with_at(at, packed):
        return b"\x03" + body[:at] + packed + body[at + len(packed):]
    # Lying counts and sizes under a valid checksum: nothing may be sized by them.
    put("regressions", "model", "checkpoint_claims_4294967295_blocks.bin", with_at(state, struct.pack("<I", 0xFFFFFFFF)))
    first_name = struct.unpack_from("<I", body, state + 4)[0]
    put("regressions", "model", "checkpoint_block_of_exabytes.bin",
        with_at(state + 8 + first_name, struct.pack("<Q", 1 << 60)))
    epochs_at = progress + 4 + 3 * 8 + 2 * 4
    put("regressions", "model", "checkpoint_claims_4294967295_epochs.bin", with_at(epochs_at, struct.pack("<I", 0xFFFFFFFF)))
    put("regressions", "model", "checkpoint_progress_version_9.bin", with_at(progress, struct.pack("<I", 9)))


def read(path):
    with open(os.path.join(ROOT, path)) as f:
        return f.read()


# --- config: experiment files with includes ---------------------------------
# The ready-made experiments, each with the config it includes as f1.toml.
for name, included in [("mnist_3b1b", "mnist"), ("sigmoid_vs_relu", "mnist"), ("hidden_sizes", "mnist"),
                       ("fashion_hidden_sizes", "fashion-mnist")]:
    text = read("experiments/%s.toml" % name).replace("../configs/%s.toml" % included, "f1.toml")
    put("corpus", "config", name + ".toml", files(text, read("configs/%s.toml" % included)))
put("corpus", "config", "include_chain.toml", files(
    '[experiment]\nname = "chain"\ninclude = ["f1.toml", "f2.toml"]\n[training]\nepochs = 2\n',
    'include = "f2.toml"\n[data]\ndataset = "synthetic"\nsynthetic_train = 100\n',
    '[model]\nhidden = [16, 16]\nactivation = "relu"\n[training.optimizer]\nname = "adam"\nlearning_rate = 0.01\n'))
put("corpus", "config", "layers.toml", files(
    '[[model.layers]]\ntype = "dense"\nunits = 32\nactivation = "leaky_relu"\nactivation_params = { alpha = 0.1 }\n'
    '[[model.layers]]\ntype = "dropout"\nparams = { rate = 0.2 }\n[[model.layers]]\ntype = "batch_norm"\n'
    '[model]\noutput_activation = "sigmoid"\ninit = "he"\n[training]\nloss = "mse"\nclip_norm = 1.5\n'
    '[training.schedule]\nname = "cosine"\nwarmup_epochs = 1.0\n[training.early_stopping]\npatience = 2\n'
    '[data]\nvalidation = 0.1\n'))
put("corpus", "config", "sweep_zip.toml", files(
    'include = ["f1.toml"]\n[sweep]\nmode = "zip"\n"model.hidden" = [[8], [8, 8]]\n"training.seed" = [1, 2]\n'
    'training.batch_size = [16, 32]\n',
    '[data]\ndataset = "idx"\ntrain_images = "a"\ntrain_labels = "b"\ntest_images = "c"\ntest_labels = "d"\n'
    'classes = 10\n[output]\ndir = "runs"\nname = "x"\nsave_weights = false\n'))
put("corpus", "config", "strings.toml",
    '# comment with dots a.b.c\n[experiment]\ndescription = """\nmulti\nline "quoted" a.b.c\n"""\n'
    "name = 'literal.name'\n[\"quoted.table\"]\n'x'.\"y\" . z = 1979-05-27T07:32:00.999Z\n")

deep = ".".join(["a"] * 15000)
put("regressions", "config", "stack_overflow_deep_table_header.toml", "[" + deep + "]\nx = 1\n")
put("regressions", "config", "stack_overflow_deep_dotted_key.toml", deep + " = 1\n")
put("regressions", "config", "stack_overflow_deep_inline.toml", "x = " + "{a=" * 300 + "1" + "}" * 300 + "\n")
put("regressions", "config", "reads_forever_dev_zero.toml", 'include = ["/dev/zero"]\n')
chain = []
for i in range(18):
    chain.append('include = ["f%d.toml", "f%d.toml"]\n[training]\nseed = %d\n' % (i + 2, i + 2, i + 1))
chain.append('[training]\nepochs = 3\n')
put("regressions", "config", "exponential_includes_18_level_diamond.toml", files('include = ["f1.toml"]\n', *chain))

# --- idx: raw and gzip --------------------------------------------------------
labels = idx([10], bytes(range(10)))
images = idx([3, 4, 4])
put("corpus", "idx", "labels.idx", labels)
put("corpus", "idx", "images.idx", images)
put("corpus", "idx", "labels.idx.gz", gz(labels))
put("corpus", "idx", "images.idx.gz", gz(images))
put("corpus", "idx", "four_dims.idx", idx([2, 2, 2, 2]))
put("corpus", "idx", "truncated.idx", images[:-5])
put("corpus", "idx", "trailing.idx.gz", gz(labels + b"xyz"))
put("corpus", "idx", "float_type.idx", bytes([0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0]))
# 10 bytes declared, 40 MiB of zeros after them: inflated whole before.
put("regressions", "idx", "gzip_bomb_small_header.idx.gz", gzip_bomb(idx([10], bytes(10)), 40 << 20))
put("regressions", "idx", "declares_terabytes.idx.gz", gzip_bomb(bytes([0, 0, 8, 3]) + b"\0\0\xff\xff" * 3, 1000))

# --- model files: from a real one (`soma run tests/fuzz/seed_model.toml --out DIR`,
# then `make_corpus.py DIR/model-last.soma`); without it the model inputs stay as they are.
# A second argument, a checkpoint, adds the checkpoint inputs: the same run killed
# after its first epoch (SOMA_FAULT=kill-mid-write:model-last.soma:2) leaves
# DIR/checkpoint.soma.
if len(sys.argv) > 1:
    with open(sys.argv[1], "rb") as f:
        model_inputs(f.read())
if len(sys.argv) > 2:
    with open(sys.argv[2], "rb") as f:
        checkpoint_inputs(f.read())

# --- records: summary.json, metrics.csv, config.toml, sweep.json ------------------
summary = ('{"experiment": "fz", "status": "ok", "network": "784-8-10", "parameters": 6370, '
           '"dataset": "synthetic", "train_samples": 200, "validation_samples": 0, "test_samples": 50, '
           '"epochs": 2, "test_accuracy": 0.14, "test_loss": 2.2, "best_test_accuracy": 0.14, '
           '"best_test_epoch": 1, "validation_accuracy": null, "best_validation_accuracy": null, '
           '"best_validation_epoch": 0, "train_loss": 2.3, "train_accuracy": 0.12, "train_seconds": 0.1, '
           '"samples_per_second": 6458, "threads": 1, "seed": 1, "batch_size": 32, "optimizer": "sgd", '
           '"loss": "cross_entropy", "confusion": [[1, 0], [0, 1]]}')
put("corpus", "records", "summary.json", b"\x00" + summary.encode())
put("corpus", "records", "failed_summary.json", b"\x00" + b'{"experiment": "x", "status": "failed", "error": "boom"}')
put("corpus", "records", "metrics.csv", b"\x01" + b"epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,"
    b"samples_per_second,validation_loss,validation_accuracy\n1,2.3,0.1,2.2,0.14,0.05,4000,2.1,0.2\n"
    b"2,2.2,0.12,2.1,,0.05,4100,,\n")
put("corpus", "records", "config.toml", b"\x02" + b'[model]\nhidden = [16, 8]\nactivation = "relu"\n'
    b'[[model.layers]]\nunits = 4\nactivation = "tanh"\n')
put("corpus", "records", "sweep.json", b"\x03" + b'{"experiment": "fz", "mode": "product", "axes": ["model.activation"], '
    b'"runs": [{"id": "a", "config_id": "a", "assignments": {"model.activation": "\\"relu\\""}}]}')
put("regressions", "records", "tampered_summary.json", b"\x00" + b'{"experiment": "x", "status": "ok", '
    b'"test_accuracy": 5.0, "epochs": -7, "best_test_epoch": 1e300, "confusion": [[1e308, -1], [2, 3]]}')
put("regressions", "records", "deep_config.toml", b"\x02" + ("[" + deep + "]\n").encode())
