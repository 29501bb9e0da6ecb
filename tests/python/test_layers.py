"""The models read one way: staging -> intermediate -> marts, and inside intermediate each folder
reads only itself and the folders before it in LAYER_ORDER. Checked over the manifest of a
fresh `dbt parse`, so a ref() that points the wrong way fails here before anyone reads it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from audiences.runtime import REPO_ROOT, dbt, dbt_env

# crm: the CRM as it stood at as_of; identity: who is who (stitching, profiles, deletes) and
# whose each event is; commerce: orders; persons and accounts: traits and scores; lifecycle:
# stages over weeks; audiences: what was published.
LAYER_ORDER = ("crm", "identity", "commerce", "persons", "accounts", "lifecycle", "audiences")
LAYERS_BY_PREFIX = ("staging", "intermediate", "marts")
# the verb's past participle: -ed, or an irregular one the project uses
INTERMEDIATE_NAME = re.compile(r"^int_[a-z]+(_[a-z]+)*_([a-z]+ed|kept)$")


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    target = tmp_path_factory.mktemp("parse")
    dbt(["parse", "--target-path", str(target), "--quiet"], dbt_env(target / "parse.duckdb"))
    return json.loads((target / "manifest.json").read_text())


@pytest.fixture(scope="module")
def models(manifest: dict) -> dict[str, dict]:
    return {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
    }


def model_layer(node: dict) -> tuple[int, int]:
    """(layer, intermediate folder) ranks of a model, from the folders of its file."""
    parts = Path(node["original_file_path"]).parts
    layer = LAYERS_BY_PREFIX.index(parts[1])
    folder = LAYER_ORDER.index(parts[2]) if parts[1] == "intermediate" else 0
    return layer, folder


def backward_reads(models: dict[str, dict]) -> list[str]:
    """Every (model, parent) pair where the parent sits in a later layer or folder."""
    problems = []
    for node in models.values():
        for parent in node["depends_on"]["nodes"]:
            if parent in models and model_layer(models[parent]) > model_layer(node):
                problems.append(
                    f"{node['original_file_path']} reads {models[parent]['original_file_path']}"
                )
    return sorted(problems)


def test_every_intermediate_folder_is_a_known_layer(models):
    folders = {
        Path(node["original_file_path"]).parts[2]
        for node in models.values()
        if Path(node["original_file_path"]).parts[1] == "intermediate"
    }
    assert folders == set(LAYER_ORDER)


def test_no_model_reads_a_later_layer_or_folder(models):
    assert backward_reads(models) == []


def test_the_check_sees_a_model_that_reads_backwards(models):
    persons_model = next(
        unique_id
        for unique_id, node in models.items()
        if "/intermediate/persons/" in node["original_file_path"]
    )
    crm_model = next(
        unique_id
        for unique_id, node in models.items()
        if "/intermediate/crm/" in node["original_file_path"]
    )
    planted = {
        **models,
        crm_model: {
            **models[crm_model],
            "depends_on": {"nodes": [*models[crm_model]["depends_on"]["nodes"], persons_model]},
        },
    }
    assert len(backward_reads(planted)) == 1


def test_intermediate_models_are_named_entities_then_a_verb(models):
    misnamed = [
        node["name"]
        for node in models.values()
        if "/intermediate/" in node["original_file_path"]
        and not INTERMEDIATE_NAME.match(node["name"])
    ]
    assert misnamed == []


def test_every_audience_is_one_unit(manifest, models):
    """aud_<name>.sql has aud_<name>.yml beside it, with its unit tests, and the yml names the
    singular test that recounts its rule, which exists."""
    unit_tested = {test["model"] for test in manifest["unit_tests"].values()}
    problems = []
    for node in models.values():
        path = Path(node["original_file_path"])
        if path.parent.parent.name != "audiences" or path.parent.name not in ("b2c", "b2b"):
            continue
        if node["patch_path"] != f"audiences://{path.with_suffix('.yml')}":
            problems.append(f"{node['name']}: described in {node['patch_path']}")
        if node["name"] not in unit_tested:
            problems.append(f"{node['name']}: no unit test")
        rule_test = node["config"]["meta"].get("rule_test")
        if not rule_test or not (REPO_ROOT / rule_test).is_file():
            problems.append(f"{node['name']}: rule_test {rule_test!r} is not a file")
    assert problems == []
