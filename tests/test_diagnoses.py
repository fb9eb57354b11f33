"""Diagnoses (`autograder.grading.diagnoses`): the project's mutants are named, each on exactly
the items it fails; correct code, stubs and mistakes outside the catalog are named
nowhere; code written differently from the mutants is named from its behaviour; and
the diagnosis reaches the result JSON, the gradebook and every report.
"""

import json
import re
import subprocess
import sys

import numpy as np
import pytest
from rich.console import Console

from autograder.course import messages, paths, units
from autograder.grading import compare, diagnoses, engine
from autograder.authoring import public_diagnoses
from autograder.intake import loader
from autograder.batch.gradebook import Gradebook
from autograder.reports import feedback, gradescope, grouping, summary, terminal
from autograder.grading.result import Result
from autograder.authoring.samples import MUTANTS, solution_files, stub_source

NUMPY_UNITS = [u.name for u in units.NUMPY_UNITS]
SOLUTION = solution_files()


def _replace_function(source, name, body):
    """``source`` with the top-level function ``name`` replaced by ``body``."""
    start = source.index(f"\ndef {name}(")
    end = source.find("\ndef ", start + 1)
    return source[:start] + "\n" + body.strip("\n") + "\n\n" + (source[end:] if end != -1 else "")


# Written differently from the mutants (loops, other NumPy calls), with the same ideas.
LOOP_FLIPPED_CONV2D = '''
def conv2d(image, kernel, stride=1, padding=0):
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    flipped = np.flipud(np.fliplr(kernel))
    kh, kw = kernel.shape
    sh, sw = (stride, stride) if np.ndim(stride) == 0 else stride
    if padding == "same":
        rows = []
        for n, k, s in ((image.shape[0], kh, sh), (image.shape[1], kw, sw)):
            out = -(-n // s)
            total = max((out - 1) * s + k - n, 0)
            rows.append((total // 2, total - total // 2))
    else:
        p = 0 if padding == "valid" else int(padding)
        rows = [(p, p), (p, p)]
    padded = np.pad(image, rows)
    h = (padded.shape[0] - kh) // sh + 1
    w = (padded.shape[1] - kw) // sw + 1
    out = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            out[i, j] = (padded[i * sh:i * sh + kh, j * sw:j * sw + kw] * flipped).sum()
    return out
'''
KERAS_RMSPROP = '''
def rmsprop_step(w, grad, state, lr=0.01, alpha=0.9, eps=1e-8):
    g = np.array(grad, dtype=float)
    previous = np.zeros(g.shape) if state is None else np.asarray(state["sigma"])
    sigma = (alpha * previous * previous + (1 - alpha) * np.square(g)) ** 0.5
    return np.asarray(w, dtype=float) - lr * g / (sigma + eps), {"sigma": sigma}
'''
HALF_AT_ZERO = '''
def relu_derivative(x):
    return np.heaviside(np.asarray(x, dtype=float), 0.5)[()]
'''
CONV2D_OFF_BY_ONE = '''
def conv2d(image, kernel, stride=1, padding=0):
    return _reference_conv2d(image, kernel, stride, padding) + 1.0
'''

HANDWRITTEN = {
    # name: (unit, source, {item id suffix: expected diagnosis or None}, diagnosis allowed anywhere)
    "loop_flipped_conv2d": ("convolution",
                            _replace_function(SOLUTION["convolution.py"], "conv2d", LOOP_FLIPPED_CONV2D),
                            "conv2d.flipped_kernel"),
    "keras_style_rmsprop": ("optimizers", _replace_function(SOLUTION["optimizers.py"], "rmsprop_step", KERAS_RMSPROP),
                            "rmsprop_step.sigma0_zero"),
    "relu_half_at_zero": ("activations", _replace_function(SOLUTION["activations.py"], "relu_derivative", HALF_AT_ZERO),
                          None),
    "conv2d_off_by_one": ("convolution", SOLUTION["convolution.py"].replace(
        "\ndef conv2d(", "\ndef _reference_conv2d(") + CONV2D_OFF_BY_ONE, None),
}


@pytest.fixture(scope="module")
def graded():
    stubs = {u.filename: stub_source(u.name) for u in units.NUMPY_UNITS}
    subs = [loader.from_files("solutions", SOLUTION), loader.from_files("stubs", stubs)]
    subs += [m.submission() for m in MUTANTS]
    subs += [loader.from_files(name, solution_files(**{unit: source}))
             for name, (unit, source, _d) in HANDWRITTEN.items()]
    results = {}
    engine.Engine(units=NUMPY_UNITS).run(subs, lambda r: results.__setitem__(r.submission, r))
    return results


def _named(result):
    return {i.id: i.diagnosis["id"] for i in result.items if i.diagnosis is not None}


def test_catalog_is_the_contracts_and_every_id_has_its_text():
    ids = set(diagnoses.CATALOG)
    assert len(ids) == 44
    assert ids == set(messages.DIAGNOSES)
    for mis_id in ids:
        text = diagnoses.message(mis_id)
        assert text["id"] == mis_id and text["zh-TW"] and text["en"]
        assert "lessons/" in text["zh-TW"] and "lessons/" in text["en"]


@pytest.mark.parametrize("mis_id", sorted(messages.DIAGNOSES))
def test_each_text_points_to_a_lesson_section_that_exists(mis_id):
    _zh, _en, lesson, section = messages.DIAGNOSES[mis_id]
    text = (paths.LESSONS / lesson).read_text(encoding="utf-8")
    headings = [line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")]
    assert section in headings, (lesson, section)


def test_correct_code_and_stubs_get_no_diagnosis(graded):
    assert graded["solutions"].score == graded["solutions"].max_score
    assert _named(graded["solutions"]) == {}
    assert _named(graded["stubs"]) == {}


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_each_mutant_is_named_on_the_items_it_fails_and_nowhere_else(graded, mutant):
    result = graded[mutant.name]
    failed = {i.id for i in result.items if i.status != "passed"}
    assert failed == mutant.fails
    expected = {} if mutant.diagnosis is None else {item_id: mutant.diagnosis for item_id in mutant.fails}
    assert _named(result) == expected


def test_every_catalog_id_has_a_mutant():
    from autograder.authoring.samples import CNN_MUTANTS

    assert {m.diagnosis for m in MUTANTS + CNN_MUTANTS if m.diagnosis} == set(diagnoses.CATALOG)


@pytest.mark.parametrize("name", sorted(HANDWRITTEN))
def test_code_written_differently_is_named_from_its_behaviour(graded, name):
    unit, _source, diagnosis = HANDWRITTEN[name]
    result = graded[name]
    failed = {i.id for i in result.items if i.status != "passed"}
    assert failed and all(i.startswith(unit + ".") for i in failed)
    named = _named(result)
    if diagnosis is None:
        assert named == {}, "a mistake outside the catalog must keep its plain message"
    else:
        assert named and set(named.values()) == {diagnosis}
        assert set(named) <= failed


def test_a_diagnosis_is_never_on_a_passed_item(graded):
    for result in graded.values():
        for item in result.items:
            if item.diagnosis is not None:
                assert item.status == "failed", (result.submission, item.id)
                assert item.diagnosis == diagnoses.message(item.diagnosis["id"])


def test_rmsprop_eps_inside_the_root_loses_the_small_gradient_item(graded):
    result = graded["rmsprop_eps_inside_root"]
    item = next(i for i in result.items if i.id == "optimizers.rmsprop_small_gradients")
    assert item.status == "failed" and item.diagnosis["id"] == "rmsprop_step.eps_in_sqrt"
    assert "eps" in item.diagnosis["en"] and "eps" in item.diagnosis["zh-TW"]


# ----------------------------------------------------------------------------- the error model itself
def test_a_misconception_changes_the_functions_that_call_it_and_not_the_reference():
    flipped = diagnoses.variant("conv2d.flipped_kernel")
    from autograder.course import reference

    ref = reference.load("convolution")
    x, k = np.arange(25.0).reshape(5, 5), np.array([[1.0, 2.0], [0.0, -1.0]])
    np.testing.assert_allclose(flipped.conv2d(x, k), ref.conv2d(x, k[::-1, ::-1]))
    multi = flipped.conv2d_multi(x[..., None], k[:, :, None, None])[..., 0]
    np.testing.assert_allclose(multi, ref.conv2d(x, k[::-1, ::-1]))
    assert not np.allclose(ref.conv2d(x, k), flipped.conv2d(x, k))


def test_same_is_the_comparisons_judgement():
    assert compare.same(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-9]))
    assert not compare.same(np.array([1.0, 2.0]), np.array([1.0, 2.1]))
    assert not compare.same(4.0, 4, integer=True) and compare.same(4, 4, integer=True)
    assert compare.same((np.ones(2), {"sigma": np.zeros(2)}), (np.ones(2), {"sigma": np.zeros(2)}))
    assert not compare.same((np.ones(2), {"sigma": np.zeros(2)}), (np.ones(2), {"s": np.zeros(2)}))
    assert compare.same(np.array([np.nan]), np.array([np.nan]))


def test_inputs_are_described_faithfully():
    assert compare.describe_value(np.array([-2.0, -1e-9, 0.0, 1e-9, 2.0])) == "[-2, -1e-09, 0, 1e-09, 2]"
    assert "-1e-09" in compare.array_text(np.array([1.0, -1e-9]))


def test_a_failed_call_shows_its_small_inputs_faithfully(graded):
    item = next(i for i in graded["relu_derivative_zero_at_zero"].items
                if i.id == "activations.relu_derivative_at_zero_is_one")
    assert "x=[-2, -1e-09, 0, 1e-09, 2]" in item.message["en"]
    assert "-0." not in item.message["en"]


# ----------------------------------------------------------------------------- carried through and shown
def _flipped(graded):
    return graded["flipped_kernel"]


def test_result_json_and_gradebook_keep_the_diagnosis(graded, tmp_path):
    result = _flipped(graded)
    data = json.loads(json.dumps(result.to_json(), ensure_ascii=False))
    assert all("diagnosis" in i for i in data["items"])
    again = Result.from_json(data)
    assert _named(again) == _named(result)
    with Gradebook(tmp_path / "gradebook.sqlite") as book:
        book.record("h", "v1", result)
        stored = book.result("h", "v1", result.submission)
    assert [i.diagnosis for i in stored.items] == [i.diagnosis for i in result.items]


def test_feedback_page_shows_the_idea_above_the_numbers(graded):
    result = _flipped(graded)
    page = feedback.render_html(result)
    card = page.index('data-diagnosis="conv2d.flipped_kernel"')
    assert card < page.index('<section class="card unit"')
    assert page.count("的「真」卷積") == 1  # the explanation once, each item links to it
    assert page.count('class="diagnosis-ref"') == len(_named(result))
    assert "lessons/01_convolution.md" in page
    md = feedback.render_markdown(result, lang="en")
    assert md.index("cross-correlation") < md.index("## convolution.py")


def test_terminal_and_gradescope_show_the_diagnosis(graded):
    result = _flipped(graded)
    console = Console(record=True, width=120)
    terminal.print_result(result, lang="en", console=console)
    text = console.export_text()
    assert "conv2d.flipped_kernel" in text and "cross-correlation" in text
    tests = gradescope.results_json(result)["tests"]
    diagnosed = [t for t in tests if t["name"].startswith("convolution.conv2d_stride ")]
    assert diagnosed[0]["output"].startswith("觀念：") or diagnosed[0]["output"].startswith("觀念:")
    assert "Misconception: " in diagnosed[0]["output"]
    passed = [t for t in tests if t["status"] == "passed"]
    assert all("觀念" not in t["output"] for t in passed)


def test_class_summary_lists_the_most_common_misconceptions(graded):
    results = [graded["flipped_kernel"], graded["loop_flipped_conv2d"], graded["keras_style_rmsprop"],
               graded["solutions"]]
    counts = grouping.diagnosis_counts(results)
    assert [(c["id"], c["submissions"]) for c in counts] == [("conv2d.flipped_kernel", 2),
                                                            ("rmsprop_step.sigma0_zero", 1)]
    page = summary.render_summary(results)
    assert page.index('data-diagnosis="conv2d.flipped_kernel"') < page.index('data-diagnosis="rmsprop_step.sigma0_zero"')
    assert re.search(r'data-diagnosis="conv2d.flipped_kernel" data-submissions="2"', page)


def test_an_unwritten_exercise_and_a_broken_file_are_one_entry_each(graded):
    stubs = graded["stubs"]
    entries = grouping.entries(stubs)
    exercises = {(i.unit, i.exercise) for i in stubs.items}
    assert len(entries) == len(exercises) < len(stubs.items)
    broken = engine.grade(loader.from_files("broken", solution_files(
        optimizers=SOLUTION["optimizers.py"].replace("def gd_step(w, grad, lr):", "def gd_step(w, grad, lr)"))),
        units=["optimizers"])
    entries = grouping.entries(broken)
    assert len(entries) == 1 and entries[0].kind == "unit" and len(entries[0].items) == len(broken.items)
    page = feedback.render_html(broken)
    assert page.count("syntax error") == 1


# ----------------------------------------------------------------------------- the public tests
def _public_failures(tmp_path, files, *tests):
    for name, source in files.items():
        (tmp_path / name).write_text(source, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pytest", *tests, f"--against={tmp_path}", "-q", "-p", "no:randomly"],
                          cwd=paths.COURSE_ROOT, capture_output=True, text=True, timeout=300)
    out = proc.stdout
    assert "During handling" not in out and "Mismatched elements" not in out, out[-3000:]
    body = out.split("= FAILURES =")[1].split("公開測試得分")[0] if "= FAILURES =" in out else ""
    blocks = re.split(r"\n_{3,} (\S+) _{3,}\n", "\n" + body)
    return dict(zip(blocks[1::2], blocks[2::2]))


def test_public_tests_name_the_misconception_once_per_failure(tmp_path):
    mutant = {m.name: m for m in MUTANTS}
    files = {"convolution.py": mutant["flipped_kernel"].files()["convolution.py"],
             "optimizers.py": mutant["rmsprop_sigma_starts_at_zero"].files()["optimizers.py"]}
    failures = _public_failures(tmp_path, files, "exercises/tests/test_convolution.py",
                                "exercises/tests/test_optimizers.py")
    conv = {k: v for k, v in failures.items() if k.startswith("test_conv2d")}
    rms = {k: v for k, v in failures.items() if "rmsprop" in k}
    assert conv and rms and set(failures) == set(conv) | set(rms)
    for text in conv.values():
        assert text.count("觀念 misconception") == 1 and "180°" in text and "cross-correlation" in text
        assert text.count("wrong values") + text.count("wrong shape") == 1
    for text in rms.values():
        assert text.count("觀念 misconception") == 1 and "σ⁰ = |g⁰|" in text


def test_public_tests_name_nothing_outside_the_catalog(tmp_path):
    files = {"convolution.py": HANDWRITTEN["conv2d_off_by_one"][1]}
    failures = _public_failures(tmp_path, files, "exercises/tests/test_convolution.py")
    assert failures and all("misconception" not in text for text in failures.values())
    assert all("得到 got" in text for text in failures.values())


@pytest.mark.slow
def test_the_public_table_is_current():
    """``exercises/misconceptions.json`` is what ``python -m autograder.authoring.public_diagnoses`` writes."""
    assert (paths.EXERCISES / public_diagnoses.PUBLIC_TABLE).read_text(encoding="utf-8") == public_diagnoses.public_table_text()


def test_coverage_report_of_the_numpy_misconceptions(graded):
    rows = diagnoses.coverage(MUTANTS, graded)
    numpy_ids = {m.diagnosis for m in MUTANTS if m.diagnosis}
    for row in rows:
        if row["id"] in numpy_ids:
            assert row["failed"] and row["named"] == row["failed"] and row["elsewhere"] == row["other_failed"] == 0, row
        else:  # the CNN unit's, graded by tests/test_diagnoses_cnn.py
            assert row["failed"] is None
    table = diagnoses.coverage_markdown(rows)
    assert table.count("\n") == len(diagnoses.CATALOG) + 2
    assert "| `conv2d.flipped_kernel` | `flipped_kernel` | 11 | 11 | 0 | 0 |" in table


def test_inputs_too_large_are_not_replayed():
    """A student's own output fed back as an input (RMSProp's state) may be huge: the
    error model does not run on it in the grading process."""
    big = {"sigma": np.zeros(diagnoses.MAX_REPLAY_BYTES // 8 + 1)}
    assert diagnoses.kept_inputs((np.ones(4), np.ones(4), big), {}) is None
    call = diagnoses.Call("call", "rmsprop_step", None, None, None, failed=True)
    assert diagnoses.observe(diagnoses.variant("rmsprop_step.sigma0_zero"), call) is None
    assert diagnoses.diagnose("rmsprop_step", "optimizers", [call]) is None
    small = diagnoses.kept_inputs((np.ones(4),), {"lr": 0.1})
    assert small is not None and np.array_equal(small[0][0], np.ones(4)) and small[1] == {"lr": 0.1}
