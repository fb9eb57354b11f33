"""Diagnoses of the CNN unit: each of `autograder.authoring.samples.CNN_MUTANTS` is named on the
items it must fail (from the rebuilt model's configuration, or from ``preprocess``'s
values), and no item outside those names anything.

Mutants of different exercises share a submission (one model build and training each);
two mistakes in one builder would explain the same item twice, so they are kept apart.
"""

import pytest

from autograder.authoring import samples
from autograder.grading import engine
from autograder.intake import loader

pytest.importorskip("tensorflow", reason="TensorFlow is not installed (pip install -e '.[cnn]')")
pytestmark = pytest.mark.slow

BY_NAME = {m.name: m for m in samples.CNN_MUTANTS}
GROUPS = {
    "cnn_mistakes_a": ["preprocess_not_scaled", "cnn_ends_in_logits", "dnn_with_a_convolution",
                       "augmentation_flips_vertically", "transfer_base_trainable"],
    "cnn_mistakes_b": ["preprocess_integer_labels", "cnn_average_pooling", "train_without_validation"],
}


@pytest.fixture(scope="module")
def graded():
    subs = [loader.from_files(name, {"cifar10_cnn.py": samples.combined_source(
        "cifar10_cnn", [BY_NAME[m] for m in mutants])}) for name, mutants in GROUPS.items()]
    results = {}
    engine.Engine(units=["cifar10_cnn"]).run(subs, lambda r: results.__setitem__(r.submission, r))
    return results


def test_every_cnn_mutant_is_in_a_group():
    assert sorted(m for group in GROUPS.values() for m in group) == sorted(BY_NAME)


@pytest.mark.parametrize("submission", sorted(GROUPS))
def test_each_model_mistake_is_named_on_its_items_only(graded, submission):
    result = graded[submission]
    items = {i.id: i for i in result.items}
    expected = {}
    for name in GROUPS[submission]:
        mutant = BY_NAME[name]
        expected.update({item_id: mutant.diagnosis for item_id in mutant.fails})
    for item_id, diagnosis in expected.items():
        item = items[item_id]
        assert item.status == "failed", (item_id, item.status, item.message["en"])
        if diagnosis is None:  # a mistake outside the catalog names nothing
            assert item.diagnosis is None, (item_id, item.diagnosis)
            continue
        assert item.diagnosis is not None and item.diagnosis["id"] == diagnosis, (item_id, item.diagnosis)
        assert item.diagnosis["zh-TW"] and item.diagnosis["en"]
    named = {i.id for i in result.items if i.diagnosis is not None}
    assert named == {item_id for item_id, diagnosis in expected.items() if diagnosis is not None}
