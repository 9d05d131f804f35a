"""The tier rule of tests/conftest.py: which tests are e2e without a decorator."""
from __future__ import annotations

import subprocess

import pytest

import conftest
from conftest import run_cli
from pipeline.language import process_text


def _starts_the_command():
    return run_cli("--help")


def _helper_of_a_helper():
    return _starts_the_command()


def _spawns_python():
    return subprocess.run(["true"])


def _in_process():
    return process_text("今年新建保障性住房300套。", year=2024)


def _imports_the_batch_inside():
    from pipeline.runtime.batch import run_batch

    return run_batch


@pytest.mark.parametrize("func, e2e", [
    (_starts_the_command, True),
    (_helper_of_a_helper, True),  # followed through the test files' own functions
    (_spawns_python, True),
    (_imports_the_batch_inside, True),
    (_in_process, False),
    (process_text, False),  # the pipeline's code is not followed: only the tests'
])
def test_functions_that_start_the_command_or_the_batch_are_e2e(func, e2e):
    assert conftest._is_e2e_code(func, set()) is e2e


@pytest.fixture
def command():
    """A fixture that would start the command (a test taking it is e2e, even unused)."""
    def run(*args: str):
        return run_cli(*args)
    return run


def test_a_test_that_starts_nothing_is_unit(request):
    assert request.node.get_closest_marker("e2e") is None


def test_a_fixture_that_starts_the_command_makes_the_test_e2e(request, command):
    assert request.node.get_closest_marker("e2e") is not None


def test_the_cli_fixture_makes_the_test_e2e(request, cli):
    assert cli is run_cli and request.node.get_closest_marker("e2e") is not None
