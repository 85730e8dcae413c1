"""The README's promises: its first commands, and every Python example in it."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_readme_opens_with_the_demo_and_test_commands():
    first_block = README.split("```bash\n", 1)[1].split("```", 1)[0].splitlines()
    assert README.index("```bash") < README.index("\n## ")
    demo, tests = first_block[:2]
    assert demo.endswith("glassnet demo") and "pip install ." in demo
    assert '.[test]"' in tests and "pytest" in tests


def test_ci_runs_exactly_the_readme_test_command():
    test_command = README.split("```bash\n", 1)[1].splitlines()[1]
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    commands = [
        line for line in ci_lines if line and not line.startswith(("#", "set "))
    ]
    assert commands[-1] == test_command


@pytest.mark.parametrize("index", range(len(code_blocks("python"))))
def test_readme_python_examples_run(index, capsys):
    namespace = {}
    for block in code_blocks("python")[: index + 1]:  # later examples reuse names
        exec(compile(block, f"README.md python block {index}", "exec"), namespace)
    printed = capsys.readouterr().out
    # Outputs the README promises in comments, such as "print(x)   # True" or
    # "# [0 1 1 0]"; prose comments ("# probabilities of class 1") are skipped.
    for line in code_blocks("python")[index].splitlines():
        match = re.match(r"print\((.*)\)\s+# (.*)$", line.strip())
        if match and (" " not in match.group(2) or match.group(2)[0] in "[0123456789"):
            assert str(eval(match.group(1), namespace)) == match.group(2), line
    assert "Traceback" not in printed
