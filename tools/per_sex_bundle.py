#!/usr/bin/python3
"""Builds a per-sex ONNX model bundle from sex-input ONNX bundles, one fine-tuned on each sex.

A network fine-tuned on girls only still has the sex input it was trained with (it only ever saw the girls' value).
The library's per-sex bundles feed the image alone, so each network's sex input is pinned to the value its bundle's
manifest gives for that sex: the graph input is removed and the same name is produced inside the graph by a
ConstantOfShape sized from the image batch. The networks and their outputs are otherwise unchanged.

    /usr/bin/python3 tools/per_sex_bundle.py --male wm352-onnx --female wf352-onnx --agnostic w352-onnx \
        --name boneage-w352-per-sex --out w352-per-sex

--agnostic (optional) is the network used for patients of unknown sex, pinned to its manifest's value for unknown.
The bundles must agree on input, preprocessing and output decoding; the script refuses otherwise. Python is needed
only here, never by the library (see docs/default-model.md).
"""
import argparse
import copy
import datetime
import hashlib
import json
import os
import sys

import onnx
from onnx import TensorProto, helper, numpy_helper
import numpy as np

MANIFEST = "boneage-model.json"
TRAINING_IDS = "training-ids.txt"


def load_bundle(folder):
    with open(os.path.join(folder, MANIFEST)) as f:
        manifest = json.load(f)
    handling = manifest.get("sexHandling", {})
    if handling.get("mode") != "sex-input":
        sys.exit(f"{folder}/{MANIFEST}: sexHandling.mode is {handling.get('mode')!r}; this tool pins sex-input networks")
    if manifest.get("format") != "onnx":
        sys.exit(f"{folder}/{MANIFEST}: format is {manifest.get('format')!r}; export it first (boneage export --format onnx)")
    weights = manifest["weights"]
    if len(weights) != 1 or weights[0]["role"] != "agnostic":
        sys.exit(f"{folder}/{MANIFEST}: expected one network with role agnostic, got {[w['role'] for w in weights]}")
    return manifest


def pin_sex_input(model_path, input_name, value):
    """Returns the model with graph input `input_name` ([N, 1] float) replaced by a constant `value`."""
    model = onnx.load(model_path)
    graph = model.graph
    inputs = {i.name: i for i in graph.input}
    if input_name not in inputs:
        sys.exit(f"{model_path}: no graph input named {input_name!r} (inputs: {sorted(inputs)})")
    image = [i.name for i in graph.input if i.name != input_name]
    if len(image) != 1:
        sys.exit(f"{model_path}: expected the image and the sex as the only inputs, got {sorted(inputs)}")
    graph.input.remove(inputs[input_name])
    prefix = "pinned_sex"
    constants = [
        numpy_helper.from_array(np.array([0], dtype=np.int64), prefix + ".start"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), prefix + ".end"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), prefix + ".one"),
    ]
    nodes = [
        helper.make_node("Shape", [image[0]], [prefix + ".image_shape"], name=prefix + ".shape"),
        helper.make_node("Slice", [prefix + ".image_shape", prefix + ".start", prefix + ".end"], [prefix + ".batch"],
                         name=prefix + ".slice"),
        helper.make_node("Concat", [prefix + ".batch", prefix + ".one"], [prefix + ".sex_shape"], axis=0,
                         name=prefix + ".concat"),
        helper.make_node("ConstantOfShape", [prefix + ".sex_shape"], [input_name], name=prefix + ".fill",
                         value=helper.make_tensor(prefix + ".value", TensorProto.FLOAT, [1], [float(value)])),
    ]
    graph.initializer.extend(constants)
    # Nodes must stay topologically sorted: the pinning nodes depend only on the image input, so they go first.
    existing = list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes + existing)
    onnx.checker.check_model(model)
    return model


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--male", required=True, help="sex-input ONNX bundle fine-tuned on boys")
    p.add_argument("--female", required=True, help="sex-input ONNX bundle fine-tuned on girls")
    p.add_argument("--agnostic", help="sex-input ONNX bundle for patients of unknown sex (optional)")
    p.add_argument("--name", required=True, help="the new bundle's model name")
    p.add_argument("--out", required=True, help="output folder (created; must not exist)")
    a = p.parse_args()

    roles = [("male", a.male, "male"), ("female", a.female, "female")]
    if a.agnostic:
        roles.append(("agnostic", a.agnostic, "unknown"))
    manifests = {role: load_bundle(folder) for role, folder, _ in roles}
    first = manifests["female"]
    for role, m in manifests.items():
        for field in ("architecture", "input", "preprocessing", "output", "engine"):
            if m.get(field) != first.get(field):
                sys.exit(f"{role} bundle's {field} differs from the female bundle's: {m.get(field)} vs {first.get(field)}")
    os.makedirs(a.out, exist_ok=False)

    weights = []
    for role, folder, encoding_key in roles:
        m = manifests[role]
        encoding = m["sexHandling"]["sexInput"]
        value = encoding.get(encoding_key)
        if value is None:
            sys.exit(f"{folder}/{MANIFEST}: sexHandling.sexInput has no value for {encoding_key}")
        source = os.path.join(folder, m["weights"][0]["file"])
        if sha256(source) != m["weights"][0]["sha256"]:
            sys.exit(f"{source}: sha256 differs from its manifest's")
        model = pin_sex_input(source, encoding["name"], value)
        target = os.path.join(a.out, role + ".onnx")
        onnx.save(model, target)
        weights.append({"role": role, "file": role + ".onnx", "sha256": sha256(target)})
        print(f"{role}: {source} with {encoding['name']} pinned to {value} -> {target}")

    manifest = copy.deepcopy(first)
    manifest["name"] = a.name
    manifest["description"] = "one network per sex (" + ", ".join(
        f"{role}: {manifests[role]['name']}" for role, _, _ in roles) + "), each with its sex input pinned"
    manifest["weights"] = weights
    manifest["sexHandling"] = {"mode": "per-sex"}
    provenance = copy.deepcopy(first.get("provenance", {}))
    provenance["trainingData"] = " | ".join(
        f"{role}: {manifests[role].get('provenance', {}).get('trainingData', 'unknown')}" for role, _, _ in roles)
    provenance["split"] = " | ".join(
        f"{role}: {manifests[role].get('provenance', {}).get('split', 'unknown')}" for role, _, _ in roles)
    settings = {}
    for role, _, _ in roles:
        for k, v in manifests[role].get("provenance", {}).get("trainerSettings", {}).items():
            settings[f"{role}.{k}"] = v
    settings["assembledBy"] = "tools/per_sex_bundle.py " + " ".join(sys.argv[1:])
    provenance["trainerSettings"] = settings
    metrics = {}
    for role, _, _ in roles:
        for k, v in manifests[role].get("provenance", {}).get("validationMetrics", {}).items():
            metrics[f"{role}.{k}"] = v
    provenance["validationMetrics"] = metrics
    provenance["createdAt"] = datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
    manifest["provenance"] = provenance
    manifest.pop("heldOutMetrics", None)
    with open(os.path.join(a.out, MANIFEST), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print(f"wrote {a.out}/{MANIFEST}")
    # A network fine-tuned from another saw its source's images too: the union of the bundles' lists keeps every
    # image any of them trained on out of later evaluation and calibration.
    trained = set()
    for _, folder, _ in roles:
        path = os.path.join(folder, TRAINING_IDS)
        if not os.path.isfile(path):
            sys.exit(f"{folder}: no {TRAINING_IDS}; without it the new bundle could be evaluated on its training images")
        with open(path) as f:
            trained.update(line.strip() for line in f if line.strip() and not line.startswith("#"))
    with open(os.path.join(a.out, TRAINING_IDS), "w") as f:
        f.writelines(i + "\n" for i in sorted(trained, key=lambda s: (len(s), s)))
    print(f"wrote {a.out}/{TRAINING_IDS} ({len(trained)} ids, the union of the bundles')")


if __name__ == "__main__":
    main()
