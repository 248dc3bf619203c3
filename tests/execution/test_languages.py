"""Language specs: every language has one, templates resolve, Java finds its class, nothing under /root."""

from __future__ import annotations

import pytest

from engine.execution.languages import (
    PLACEHOLDERS,
    SANDBOX_TMP,
    SPECS,
    TYPESCRIPT_DIR,
    Language,
    LanguageSpec,
    compile_command,
    java_main_class,
    resolve,
    resolve_env,
    run_command,
    source_file_name,
    spec_for,
)
from engine.execution.limits import Limits

_TEMPLATE_NAMES = {"{" + name + "}" for name in PLACEHOLDERS}


def test_languages_are_the_eight_api_values() -> None:
    assert [language.value for language in Language] == [
        *("python", "javascript", "typescript", "java", "cpp", "c", "go", "rust"),
    ]
    assert set(SPECS) == set(Language)


@pytest.mark.parametrize("language", list(Language))
def test_spec_templates_only_use_known_placeholders_and_no_root_paths(language: Language) -> None:
    spec = spec_for(language)
    for template in (spec.run, spec.compile or (), *(value for _, value in (*spec.env, *spec.compile_env))):
        for arg in template if isinstance(template, tuple) else (template,):
            assert "/root" not in arg
            resolved = resolve((arg,), dict.fromkeys(PLACEHOLDERS, "X"))[0]
            assert "{" not in resolved, arg
    assert spec.time_ms > 0
    assert spec.memory_mb > 0
    assert spec.default_limits == Limits(time_ms=spec.time_ms, memory_mb=spec.memory_mb)


@pytest.mark.parametrize("language", list(Language))
def test_every_language_has_a_compile_or_syntax_check_step(language: Language) -> None:
    assert compile_command(spec_for(language), "", "/work", 512) is not None


def test_resolve_fills_placeholders_and_rejects_unknown_ones() -> None:
    assert resolve(("{a}-{b}", "{a}"), {"a": "1", "b": "2"}) == ("1-2", "1")
    with pytest.raises(KeyError):
        resolve(("{missing}",), {})


def test_run_command_for_compiled_languages_runs_the_binary() -> None:
    for language in (Language.C, Language.CPP, Language.GO, Language.RUST):
        assert run_command(spec_for(language), "", "/work", 256) == ("/work/main",)


def test_python_and_node_commands() -> None:
    assert run_command(spec_for(Language.PYTHON), "", "/work", 256) == ("python3", "-B", "main.py")
    assert compile_command(spec_for(Language.JAVASCRIPT), "", "/work", 256) == ("node", "--check", "main.js")
    assert run_command(spec_for(Language.JAVASCRIPT), "", "/work", 300)[:2] == (
        "node",
        "--max-old-space-size=300",
    )


def test_typescript_transpiles_with_tsc_from_the_mounted_dir_and_runs_with_node() -> None:
    spec = spec_for(Language.TYPESCRIPT)
    command = compile_command(spec, "", "/work", 1024)
    assert command is not None
    assert f"{TYPESCRIPT_DIR}/bin/tsc" in command
    assert "--noCheck" in command
    assert command[-1] == "main.ts"
    assert run_command(spec, "", "/work", 256)[-1] == "/work/main.js"
    assert spec.uses_typescript


def test_java_heap_follows_the_memory_limit_with_big_stacks_and_serial_gc() -> None:
    command = run_command(spec_for(Language.JAVA), "public class Main {}", "/work", 384)
    assert "-Xmx384m" in command
    assert "-Xss64m" in command
    assert "-XX:+UseSerialGC" in command
    assert command[-3:] == ("-cp", "/work", "Main")


@pytest.mark.parametrize(
    ("source", "main_class", "file_name"),
    [
        ("public class Main { public static void main(String[] a) {} }", "Main", "Main.java"),
        ("public class Solution {\n public static void main(String[] a) {} }", "Solution", "Solution.java"),
        ("class Helper {}\nclass Runner { public static void main(String[] a) {} }", "Runner", "Main.java"),
        (
            "import java.util.*;\npublic final class Two {\n static void main(String[] a) {} }",
            "Two",
            "Two.java",
        ),
        (
            "public class Main {\n static class TreeNode { int v; }\n static void main(String[] a) {} }",
            "Main",
            "Main.java",
        ),
        (
            "public class Main {\n static class Node { class Inner {} }\n static void main(String[] a) {} }",
            "Main",
            "Main.java",
        ),
        ("class Nothing {}", "Main", "Main.java"),
        ("", "Main", "Main.java"),
    ],
)
def test_java_class_and_file_name_come_from_the_source(source: str, main_class: str, file_name: str) -> None:
    spec = spec_for(Language.JAVA)
    assert java_main_class(source) == main_class
    assert source_file_name(spec, source) == file_name


def test_other_languages_use_their_fixed_file_name() -> None:
    assert source_file_name(spec_for(Language.GO), "public class X {}") == "main.go"


def test_go_gets_a_cache_in_tmp_and_a_soft_memory_limit() -> None:
    spec = spec_for(Language.GO)
    assert dict(spec.compile_env)["GOCACHE"].startswith(f"{SANDBOX_TMP}/")
    assert resolve_env(spec.env, 200) == (("GOMEMLIMIT", "200MiB"),)


def test_language_without_compile_step_has_no_compile_command() -> None:
    spec = LanguageSpec(Language.PYTHON, "main.py", None, ("python3", "{source}"), 1000, 64)
    assert compile_command(spec, "", "/work", 64) is None


def test_runtimes_that_reserve_address_space_get_headroom_and_threads() -> None:
    java, c = spec_for(Language.JAVA), spec_for(Language.C)
    assert java.data_headroom_mb > c.data_headroom_mb
    assert java.extra_processes > c.extra_processes
