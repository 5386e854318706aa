"""The README stays true: its two commands exist, CI runs the test one, and every setting is in the table."""

from pathlib import Path

from app.config import describe_settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_every_setting_is_in_the_configuration_table():
    missing = [variable for variable, _default, _meaning in describe_settings() if f"| `{variable}` |" not in README]
    assert missing == []


def test_ci_runs_exactly_the_readme_test_command():
    assert "scripts/serve.sh" in README and "scripts/test.sh" in README
    assert "exec scripts/test.sh" in (ROOT / ".ci" / "run").read_text()
