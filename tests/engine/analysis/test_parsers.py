"""The output readers, on real tool output (`samples`): every diagnostic's rule, severity, place and
message; output a reader cannot understand raises, output that legitimately says nothing reads as nothing."""

# ruff: noqa: RUF001

from __future__ import annotations

import pytest

from engine.analysis import parsers
from engine.analysis.model import Complexity, Diagnostic, Findings, Severity
from tests.engine.analysis import samples

ERROR, WARNING = Severity.ERROR, Severity.WARNING


def test_base_name_keeps_only_the_last_path_part() -> None:
    assert parsers.base_name("/sandbox/work/main.py") == "main.py"
    assert parsers.base_name("./main.go") == "main.go"
    assert parsers.base_name("Main.java") == "Main.java"
    assert parsers.base_name("") is None
    assert parsers.base_name(None) is None


# ruff


def test_ruff_findings_rule_severity_and_place() -> None:
    assert parsers.ruff(samples.RUFF_FINDINGS, "") == Findings(
        diagnostics=(
            Diagnostic("ruff", "E701", WARNING, "Multiple statements on one line (colon)", 2, 5, "main.py"),
            Diagnostic("ruff", "F821", ERROR, "Undefined name `undefined_name`", 2, 13, "main.py"),
        )
    )


def test_ruff_syntax_error_rule_and_place() -> None:
    found = parsers.ruff(samples.RUFF_SYNTAX_ERROR, "").diagnostics
    assert [(d.tool, d.rule, d.message, d.line, d.column, d.file) for d in found] == [
        ("ruff", "invalid-syntax", "Expected a statement", 1, 6, "main.py"),
        ("ruff", "invalid-syntax", "Expected a statement", 1, 7, "main.py"),
    ]


def test_ruff_syntax_error_is_an_error() -> None:
    found = parsers.ruff(samples.RUFF_SYNTAX_ERROR, "").diagnostics
    assert [d.severity for d in found] == [ERROR, ERROR]


def test_ruff_clean_source_has_no_findings() -> None:
    assert parsers.ruff(samples.RUFF_CLEAN, "") == Findings()


@pytest.mark.parametrize("stdout", [samples.RUFF_CONCISE, ""], ids=["concise-text", "no-output"])
def test_ruff_output_that_is_not_a_json_list_is_unreadable(stdout: str) -> None:
    with pytest.raises(parsers.UnreadableOutputError):
        parsers.ruff(stdout, "")


# gcc / g++


def test_gcc_findings_in_the_order_gcc_printed_them() -> None:
    assert parsers.gcc("gcc")("", samples.GCC_FINDINGS) == Findings(
        diagnostics=(
            Diagnostic("gcc", None, ERROR, "‘y’ undeclared (first use in this function)", 3, 12, "main.c"),
            Diagnostic("gcc", "unused-variable", WARNING, "unused variable ‘unused’", 2, 9, "main.c"),
        )
    )


def test_gcc_fatal_error_before_compilation_terminated() -> None:
    assert parsers.gcc("gcc")("", samples.GCC_FATAL).diagnostics == (
        Diagnostic("gcc", None, ERROR, "missing.h: No such file or directory", 1, 10, "main.c"),
    )


def test_gcc_rule_is_the_option_without_its_w_prefix() -> None:
    # gcc names the controlling option `-Wformat=` (it takes a level), so the rule keeps the `=`.
    assert parsers.gcc("gcc")("", samples.GCC_FORMAT).diagnostics == (
        Diagnostic(
            "gcc",
            "format=",
            WARNING,
            "format ‘%d’ expects argument of type ‘int’, but argument 2 has type ‘char *’",
            3,
            14,
            "main.c",
        ),
    )


def test_gpp_findings_are_tagged_with_the_tool_name() -> None:
    assert parsers.gcc("g++")("", samples.GPP_FINDINGS).diagnostics == (
        Diagnostic(
            "g++",
            "sign-compare",
            WARNING,
            "comparison of integer expressions of different signedness: ‘int’ and ‘unsigned int’",
            3,
            14,
            "main.cpp",
        ),
        Diagnostic("g++", None, ERROR, "‘g’ was not declared in this scope", 5, 14, "main.cpp"),
    )


def test_gpp_fatal_error_without_location_has_no_place() -> None:
    assert parsers.gcc("g++")("", samples.GPP_NO_FILE).diagnostics == (
        Diagnostic("g++", None, ERROR, "main.cpp: No such file or directory", None, None, None),
    )


@pytest.mark.parametrize("stderr", [samples.GCC_CLEAN, ""], ids=["empty-list", "no-output"])
def test_gcc_clean_source_has_no_findings(stderr: str) -> None:
    assert parsers.gcc("gcc")("", stderr) == Findings()


def test_gcc_driver_text_before_the_json_line_is_skipped() -> None:
    stderr = "gcc: warning: ‘-x c’ after last input file has no effect\n" + samples.GCC_FINDINGS
    assert parsers.gcc("gcc")("", stderr) == parsers.gcc("gcc")("", samples.GCC_FINDINGS)


def test_gcc_text_without_a_json_line_is_unreadable() -> None:
    with pytest.raises(parsers.UnreadableOutputError):
        parsers.gcc("gcc")("", samples.GCC_BAD_OPTION)


def test_gcc_truncated_json_line_is_unreadable() -> None:
    with pytest.raises(parsers.UnreadableOutputError):
        parsers.gcc("gcc")("", samples.GCC_FINDINGS[:100])


# javac


def test_javac_lint_rules_errors_and_caret_columns() -> None:
    assert parsers.javac("", samples.JAVAC_FINDINGS) == Findings(
        diagnostics=(
            Diagnostic("javac", "rawtypes", WARNING, "found raw type: List", 5, 9, "Main.java"),
            Diagnostic("javac", "rawtypes", WARNING, "found raw type: ArrayList", 5, 23, "Main.java"),
            Diagnostic(
                "javac",
                "unchecked",
                WARNING,
                "unchecked call to add(E) as a member of the raw type List",
                6,
                15,
                "Main.java",
            ),
            Diagnostic("javac", None, ERROR, "cannot find symbol", 7, 17, "Main.java"),
        )
    )


def test_javac_absolute_path_is_reported_by_base_name() -> None:
    assert parsers.javac("", samples.JAVAC_ABSOLUTE).diagnostics == (
        Diagnostic("javac", None, ERROR, "';' expected", 3, 18, "Main.java"),
    )


def test_javac_warning_without_a_file_has_no_place() -> None:
    assert parsers.javac("", samples.JAVAC_BARE).diagnostics == (
        Diagnostic(
            "javac",
            "options",
            WARNING,
            "bootstrap class path not set in conjunction with -source 8",
            None,
            None,
            None,
        ),
    )


def test_javac_clean_source_has_no_findings() -> None:
    assert parsers.javac("", "") == Findings()


def test_javac_echoed_source_line_is_not_a_diagnostic() -> None:
    assert parsers.javac("", samples.JAVAC_LABEL).diagnostics == (
        Diagnostic(
            "javac", None, ERROR, "incompatible types: String cannot be converted to int", 3, 48, "Main.java"
        ),
    )


# go vet


def test_go_vet_analyzer_finding_is_a_warning_named_after_the_analyzer() -> None:
    assert parsers.go_vet("", samples.GO_VET_PRINTF) == Findings(
        diagnostics=(
            Diagnostic(
                "go vet",
                "printf",
                WARNING,
                'fmt.Printf format %d has arg "x" of wrong type string',
                6,
                2,
                "main.go",
            ),
        )
    )


def test_go_vet_several_findings_of_one_analyzer() -> None:
    assert parsers.go_vet("", samples.GO_VET_TWO).diagnostics == (
        Diagnostic(
            "go vet",
            "printf",
            WARNING,
            "fmt.Printf format %d has arg s of wrong type string",
            7,
            2,
            "main.go",
        ),
        Diagnostic(
            "go vet", "printf", WARNING, "fmt.Println arg list ends with redundant newline", 8, 2, "main.go"
        ),
    )


def test_go_vet_type_error_is_a_typecheck_error() -> None:
    assert parsers.go_vet("", samples.GO_VET_TYPECHECK).diagnostics == (
        Diagnostic("go vet", "typecheck", ERROR, "undeclared name: undefinedName", 4, 7, "main.go"),
    )


def test_go_vet_clean_source_has_no_findings() -> None:
    assert parsers.go_vet("", samples.GO_VET_CLEAN) == Findings()
    assert parsers.go_vet("", "") == Findings()


def test_go_vet_failure_of_go_itself_has_no_findings() -> None:
    assert parsers.go_vet("", samples.GO_VET_MISSING) == Findings()


def test_go_vet_truncated_json_is_unreadable() -> None:
    with pytest.raises(parsers.UnreadableOutputError):
        parsers.go_vet("", samples.GO_VET_PRINTF[:120])


# rustc


def test_rustc_findings_and_summary_dropped() -> None:
    assert parsers.rustc("", samples.RUSTC_FINDINGS) == Findings(
        diagnostics=(
            Diagnostic("rustc", "unused_variables", WARNING, "unused variable: `unused`", 5, 9, "main.rs"),
            Diagnostic("rustc", "dead_code", ERROR, "function `helper` is never used", 2, 4, "main.rs"),
        )
    )


def test_rustc_warnings_emitted_summary_dropped() -> None:
    assert parsers.rustc("", samples.RUSTC_WARNING).diagnostics == (
        Diagnostic("rustc", "unused_variables", WARNING, "unused variable: `unused`", 2, 9, "main.rs"),
    )


def test_rustc_error_code_primary_span_and_failure_note_dropped() -> None:
    assert parsers.rustc("", samples.RUSTC_TYPE_ERROR).diagnostics == (
        Diagnostic("rustc", "E0308", ERROR, "mismatched types", 2, 18, "main.rs"),
    )


def test_rustc_no_output_has_no_findings() -> None:
    assert parsers.rustc("", "") == Findings()


def test_rustc_truncated_json_line_is_unreadable() -> None:
    with pytest.raises(parsers.UnreadableOutputError):
        parsers.rustc("", samples.RUSTC_WARNING[:200])


# node --check


def test_node_check_syntax_error_place_from_location_and_caret() -> None:
    assert parsers.node_check("", samples.NODE_SYNTAX) == Findings(
        diagnostics=(
            Diagnostic("node --check", "SyntaxError", ERROR, "Unexpected token ';'", 3, 13, "main.js"),
        )
    )


def test_node_check_caret_under_the_redeclared_name() -> None:
    assert parsers.node_check("", samples.NODE_REDECLARED).diagnostics == (
        Diagnostic(
            "node --check", "SyntaxError", ERROR, "Identifier 'a' has already been declared", 2, 5, "main.js"
        ),
    )


def test_node_check_clean_source_has_no_findings() -> None:
    assert parsers.node_check("", "") == Findings()


def test_node_check_output_without_an_error_line_is_unreadable() -> None:
    with pytest.raises(parsers.UnreadableOutputError):
        parsers.node_check("", samples.NODE_BAD_OPTION)


def test_node_check_echoed_source_line_is_not_the_error() -> None:
    assert parsers.node_check("", samples.NODE_LABEL).diagnostics == (
        Diagnostic("node --check", "SyntaxError", ERROR, "Unexpected token ';'", 1, 26, "main.js"),
    )


# tsc


def test_tsc_errors_with_codes_and_places() -> None:
    assert parsers.tsc(samples.TSC_FINDINGS, "") == Findings(
        diagnostics=(
            Diagnostic(
                "tsc", "TS2322", ERROR, "Type 'string' is not assignable to type 'number'.", 1, 7, "main.ts"
            ),
            Diagnostic(
                "tsc",
                "TS2353",
                ERROR,
                "Object literal may only specify known properties, and 'y' does not exist in type "
                "'{ x: number; }'.",
                3,
                11,
                "main.ts",
            ),
            Diagnostic(
                "tsc",
                "TS2552",
                ERROR,
                "Cannot find name 'undefinedName'. Did you mean 'undefined'?",
                4,
                13,
                "main.ts",
            ),
        )
    )


def test_tsc_continuation_lines_join_the_message() -> None:
    assert parsers.tsc(samples.TSC_CHAIN, "").diagnostics == (
        Diagnostic(
            "tsc",
            "TS2322",
            ERROR,
            "Type '(a: string) => number' is not assignable to type '(a: number) => string'. "
            "Types of parameters 'a' and 'a' are incompatible. "
            "Type 'number' is not assignable to type 'string'.",
            1,
            5,
            "main.ts",
        ),
    )


def test_tsc_clean_source_has_no_findings() -> None:
    assert parsers.tsc("", "") == Findings()


def test_tsc_error_without_a_location_is_not_a_finding() -> None:
    assert parsers.tsc(samples.TSC_BAD_OPTION, "") == Findings()


# lizard


def test_lizard_csv_rows_are_complexity_entries() -> None:
    assert parsers.lizard(samples.LIZARD, "") == Findings(
        complexity=(
            Complexity("lizard", "simple", 1, 2, 1, "main.py"),
            Complexity("lizard", "branchy", 5, 15, 8, "main.py"),
            Complexity("lizard", "method", 19, 20, 3, "main.py"),
        )
    )


def test_lizard_source_without_functions_has_no_findings() -> None:
    assert parsers.lizard("", "") == Findings()


@pytest.mark.parametrize(
    "stdout",
    [
        samples.LIZARD_TABLE,
        samples.LIZARD.splitlines(keepends=True)[1][:40],
        samples.LIZARD_VERBOSE,
    ],
    ids=["table-output", "truncated-row", "header-row"],
)
def test_lizard_output_that_is_not_its_csv_is_unreadable(stdout: str) -> None:
    with pytest.raises(parsers.UnreadableOutputError):
        parsers.lizard(stdout, "")
