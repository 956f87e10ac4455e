"""Every error line of the five help pages Mailfix grew from reaches its article."""

import pytest

from kb.diagnosis import build_index, diagnose
from kb.kbfiles import spec_from_files
from tests.seed_error_lines import SEED_ERROR_LINES


@pytest.fixture(scope="module")
def index():
    return build_index(spec_from_files())


@pytest.mark.parametrize("line,article", SEED_ERROR_LINES, ids=[line[:60] for line, _ in SEED_ERROR_LINES])
def test_each_seed_error_line_diagnoses_to_the_right_article(index, line, article):
    diagnosis = diagnose(line, index)
    assert diagnosis.best is not None, f"no match for {line!r}"
    assert diagnosis.best.article == article, (
        f"{line!r} -> {diagnosis.best.article} ({diagnosis.best.why}), expected {article}"
    )
