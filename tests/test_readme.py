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


PROMISE = re.compile(r"^(\s*)print\((.*)\)\s+# (.*)$")


def checked(block):
    """Turn ``print(x)   # value`` lines into checks that run at that very line.

    Values that are literals ("True", "early_stopping", "[0 1 1 0]") are checked;
    prose comments ("# probabilities of class 1") are left alone.
    """
    lines = []
    for line in block.splitlines():
        match = PROMISE.match(line)
        literal = match and (" " not in match[3] or match[3][0] in "[0123456789")
        if literal:
            indent, expression, value = match.groups()
            line = f"{indent}_expect({expression}, {value!r}, {line.strip()!r})"
        lines.append(line)
    return "\n".join(lines)


def _expect(value, promised, line):
    print(value)
    assert str(value) == promised, f"README promises {promised!r} for: {line}"


@pytest.mark.parametrize("index", range(len(code_blocks("python"))))
def test_readme_python_examples_run(index):
    namespace = {"_expect": _expect}
    for number, block in enumerate(code_blocks("python")[: index + 1]):
        # Later examples reuse earlier names, so every earlier block runs first.
        source = checked(block)
        exec(compile(source, f"README.md python block {number}", "exec"), namespace)
