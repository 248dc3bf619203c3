"""Real output of the analysis tools, captured by running each tool (the command line in
`engine.analysis.tools`, outside the sandbox) on a small snippet; each constant's note names the snippet
and the stream. Paths are those of the capture directory: the readers keep only base names.

Versions: ruff 0.17.6, gcc/g++ 12.2.0, javac 17.0.15, go 1.19.8, rustc 1.95.0, node 20.20.2,
TypeScript 5.9.3, lizard 1.24.3. Tools that print nothing for a clean source (javac, node --check, tsc,
lizard on a file without functions) are represented by "" in the tests.
"""

# ruff: noqa: E501, RUF001, S108

from __future__ import annotations

from typing import Final

RUFF_FINDINGS: Final = r"""[
  {
    "cell": null,
    "code": "E701",
    "end_location": {
      "column": 6,
      "row": 2
    },
    "filename": "/tmp/analysis-samples/w/ruff1/main.py",
    "fix": null,
    "location": {
      "column": 5,
      "row": 2
    },
    "message": "Multiple statements on one line (colon)",
    "name": "multiple-statements-on-one-line-colon",
    "noqa_row": 2,
    "severity": "error",
    "url": "https://docs.astral.sh/ruff/rules/multiple-statements-on-one-line-colon"
  },
  {
    "cell": null,
    "code": "F821",
    "end_location": {
      "column": 27,
      "row": 2
    },
    "filename": "/tmp/analysis-samples/w/ruff1/main.py",
    "fix": null,
    "location": {
      "column": 13,
      "row": 2
    },
    "message": "Undefined name `undefined_name`",
    "name": "undefined-name",
    "noqa_row": 2,
    "severity": "error",
    "url": "https://docs.astral.sh/ruff/rules/undefined-name"
  }
]"""
"""ruff ... main.py  (main.py: `x = 1` / `if x: print(undefined_name)`), stdout"""

RUFF_SYNTAX_ERROR: Final = r"""[
  {
    "cell": null,
    "code": "invalid-syntax",
    "end_location": {
      "column": 7,
      "row": 1
    },
    "filename": "/tmp/analysis-samples/w/ruff2/main.py",
    "fix": null,
    "location": {
      "column": 6,
      "row": 1
    },
    "message": "Expected a statement",
    "name": "invalid-syntax",
    "noqa_row": null,
    "severity": "error",
    "url": null
  },
  {
    "cell": null,
    "code": "invalid-syntax",
    "end_location": {
      "column": 1,
      "row": 2
    },
    "filename": "/tmp/analysis-samples/w/ruff2/main.py",
    "fix": null,
    "location": {
      "column": 7,
      "row": 1
    },
    "message": "Expected a statement",
    "name": "invalid-syntax",
    "noqa_row": null,
    "severity": "error",
    "url": null
  }
]"""
"""ruff ... main.py  (main.py: `x = 1)`), stdout"""

RUFF_CLEAN: Final = r"""[]"""
"""ruff ... main.py  (main.py: `x = 1`), stdout"""

RUFF_CONCISE: Final = r"""/tmp/analysis-samples/w/ruff1/main.py:2:5: E701 Multiple statements on one line (colon)
/tmp/analysis-samples/w/ruff1/main.py:2:13: F821 Undefined name `undefined_name`
Found 2 errors.
"""
"""ruff ... --output-format concise (not JSON), stdout"""

GCC_FINDINGS: Final = r"""[{"kind": "error", "column-origin": 1, "children": [{"kind": "note", "escape-source": false, "locations": [{"caret": {"byte-column": 12, "display-column": 12, "line": 3, "file": "main.c", "column": 12}}], "message": "each undeclared identifier is reported only once for each function it appears in"}], "escape-source": false, "locations": [{"caret": {"byte-column": 12, "display-column": 12, "line": 3, "file": "main.c", "column": 12}}], "message": "‘y’ undeclared (first use in this function)"}, {"kind": "warning", "locations": [{"finish": {"byte-column": 14, "display-column": 14, "line": 2, "file": "main.c", "column": 14}, "caret": {"byte-column": 9, "display-column": 9, "line": 2, "file": "main.c", "column": 9}}], "column-origin": 1, "option": "-Wunused-variable", "escape-source": false, "children": [], "option_url": "https://gcc.gnu.org/onlinedocs/gcc/Warning-Options.html#index-Wunused-variable", "message": "unused variable ‘unused’"}]
"""
"""gcc ... main.c  (`int unused;` / `return y;`), stderr"""

GCC_FATAL: Final = r"""[{"kind": "fatal error", "column-origin": 1, "children": [], "escape-source": false, "locations": [{"finish": {"byte-column": 20, "display-column": 20, "line": 1, "file": "main.c", "column": 20}, "caret": {"byte-column": 10, "display-column": 10, "line": 1, "file": "main.c", "column": 10}}], "message": "missing.h: No such file or directory"}]
compilation terminated.
"""
"""gcc ... main.c  (`#include "missing.h"`), stderr"""

GCC_FORMAT: Final = r"""[{"kind": "warning", "locations": [{"caret": {"byte-column": 14, "display-column": 14, "line": 3, "file": "main.c", "column": 14}, "start": {"byte-column": 13, "display-column": 13, "line": 3, "file": "main.c", "column": 13}, "label": "int"}, {"finish": {"byte-column": 22, "display-column": 22, "line": 3, "file": "main.c", "column": 22}, "caret": {"byte-column": 20, "display-column": 20, "line": 3, "file": "main.c", "column": 20}, "label": "char *"}], "column-origin": 1, "option": "-Wformat=", "fixits": [{"next": {"byte-column": 15, "display-column": 15, "line": 3, "file": "main.c", "column": 15}, "string": "%s", "start": {"byte-column": 13, "display-column": 13, "line": 3, "file": "main.c", "column": 13}}], "children": [], "option_url": "https://gcc.gnu.org/onlinedocs/gcc/Warning-Options.html#index-Wformat=", "message": "format ‘%d’ expects argument of type ‘int’, but argument 2 has type ‘char *’", "escape-source": false}]
"""
"""gcc ... main.c  (printf with `%d` and a string argument, line 3), stderr"""

GCC_CLEAN: Final = r"""[]
"""
"""gcc ... main.c  (a clean program), stderr"""

GCC_BAD_OPTION: Final = r"""gcc: error: unrecognized command-line option ‘-Wbogus’
"""
"""gcc ... -Wbogus main.c: a driver error, no JSON, stderr"""

GPP_FINDINGS: Final = r"""[{"kind": "warning", "locations": [{"finish": {"byte-column": 16, "display-column": 16, "line": 3, "file": "main.cpp", "column": 16}, "caret": {"byte-column": 14, "display-column": 14, "line": 3, "file": "main.cpp", "column": 14}, "start": {"byte-column": 12, "display-column": 12, "line": 3, "file": "main.cpp", "column": 12}}], "column-origin": 1, "option": "-Wsign-compare", "escape-source": false, "children": [], "option_url": "https://gcc.gnu.org/onlinedocs/gcc/Warning-Options.html#index-Wsign-compare", "message": "comparison of integer expressions of different signedness: ‘int’ and ‘unsigned int’"}, {"kind": "error", "column-origin": 1, "children": [], "escape-source": false, "locations": [{"caret": {"byte-column": 14, "display-column": 14, "line": 5, "file": "main.cpp", "column": 14}}], "message": "‘g’ was not declared in this scope"}]
"""
"""g++ ... main.cpp  (`a < n` signed/unsigned, undeclared `g()`), stderr"""

GPP_NO_FILE: Final = r"""[{"kind": "fatal error", "column-origin": 1, "children": [], "escape-source": false, "locations": [], "message": "main.cpp: No such file or directory"}]
compilation terminated.
"""
"""g++ ... main.cpp  (no such file: a fatal error without a location), stderr"""

JAVAC_FINDINGS: Final = r"""Main.java:5: warning: [rawtypes] found raw type: List
        List xs = new ArrayList();
        ^
  missing type arguments for generic class List<E>
  where E is a type-variable:
    E extends Object declared in interface List
Main.java:5: warning: [rawtypes] found raw type: ArrayList
        List xs = new ArrayList();
                      ^
  missing type arguments for generic class ArrayList<E>
  where E is a type-variable:
    E extends Object declared in class ArrayList
Main.java:6: warning: [unchecked] unchecked call to add(E) as a member of the raw type List
        xs.add(1);
              ^
  where E is a type-variable:
    E extends Object declared in interface List
Main.java:7: error: cannot find symbol
        int y = undefined;
                ^
  symbol:   variable undefined
  location: class Main
1 error
3 warnings
"""
"""javac ... Main.java  (raw List/ArrayList, unchecked add, undefined name), stderr"""

JAVAC_ABSOLUTE: Final = r"""/tmp/analysis-samples/w/j2/Main.java:3: error: ';' expected
        int x = 1
                 ^
1 error
"""
"""javac ... /abs/path/Main.java  (missing `;`), stderr"""

JAVAC_BARE: Final = r"""warning: [options] bootstrap class path not set in conjunction with -source 8
1 warning
"""
"""javac ... -source 8 -target 8 Main.java: a warning without a file, stderr"""

JAVAC_LABEL: Final = r"""Main.java:3: error: incompatible types: String cannot be converted to int
warning: for (int i = 0; i < 1; i++) { int x = "s"; }
                                               ^
1 error
"""
"""javac ... Main.java  (a statement labelled `warning:` at column 0 with a type error), stderr"""

GO_VET_PRINTF: Final = (
    "# command-line-arguments\n"
    "{\n"
    '\t"command-line-arguments": {\n'
    '\t\t"printf": [\n'
    "\t\t\t{\n"
    '\t\t\t\t"posn": "/tmp/analysis-samples/w/g1/main.go:6:2",\n'
    '\t\t\t\t"message": "fmt.Printf format %d has arg \\"x\\" of wrong type string"\n'
    "\t\t\t}\n"
    "\t\t]\n"
    "\t}\n"
    "}\n"
)
"""go vet -json main.go  (fmt.Printf with `%d` and a string argument, line 6), stderr"""

GO_VET_TWO: Final = (
    "# command-line-arguments\n"
    "{\n"
    '\t"command-line-arguments": {\n'
    '\t\t"printf": [\n'
    "\t\t\t{\n"
    '\t\t\t\t"posn": "/tmp/analysis-samples/w/g4/main.go:7:2",\n'
    '\t\t\t\t"message": "fmt.Printf format %d has arg s of wrong type string"\n'
    "\t\t\t},\n"
    "\t\t\t{\n"
    '\t\t\t\t"posn": "/tmp/analysis-samples/w/g4/main.go:8:2",\n'
    '\t\t\t\t"message": "fmt.Println arg list ends with redundant newline"\n'
    "\t\t\t}\n"
    "\t\t]\n"
    "\t}\n"
    "}\n"
)
"""go vet -json main.go  (two printf findings), stderr"""

GO_VET_TYPECHECK: Final = r"""# command-line-arguments
vet: ./main.go:4:7: undeclared name: undefinedName
"""
"""go vet -json main.go  (`x := undefinedName`), stderr"""

GO_VET_CLEAN: Final = r"""# command-line-arguments
{}
"""
"""go vet -json main.go  (a clean program), stderr"""

GO_VET_MISSING: Final = (
    'cannot find package "main.go" in any of:\n'
    "\t/usr/lib/go-1.19/src/main.go (from $GOROOT)\n"
    "\t/root/go/src/main.go (from $GOPATH)\n"
)
"""go vet -json main.go  (no main.go: go itself fails), stderr"""

RUSTC_FINDINGS: Final = r"""{"$message_type":"diagnostic","message":"unused variable: `unused`","code":{"code":"unused_variables","explanation":null},"level":"warning","spans":[{"file_name":"main.rs","byte_start":55,"byte_end":61,"line_start":5,"line_end":5,"column_start":9,"column_end":15,"is_primary":true,"text":[{"text":"    let unused = 1;","highlight_start":9,"highlight_end":15}],"label":null,"suggested_replacement":null,"suggestion_applicability":null,"expansion":null}],"children":[{"message":"`#[warn(unused_variables)]` (part of `#[warn(unused)]`) on by default","code":null,"level":"note","spans":[],"children":[],"rendered":null},{"message":"if this is intentional, prefix it with an underscore","code":null,"level":"help","spans":[{"file_name":"main.rs","byte_start":55,"byte_end":61,"line_start":5,"line_end":5,"column_start":9,"column_end":15,"is_primary":true,"text":[{"text":"    let unused = 1;","highlight_start":9,"highlight_end":15}],"label":null,"suggested_replacement":"_unused","suggestion_applicability":"MachineApplicable","expansion":null}],"children":[],"rendered":null}],"rendered":"warning: unused variable: `unused`\n --> main.rs:5:9\n  |\n5 |     let unused = 1;\n  |         ^^^^^^ help: if this is intentional, prefix it with an underscore: `_unused`\n  |\n  = note: `#[warn(unused_variables)]` (part of `#[warn(unused)]`) on by default\n\n"}
{"$message_type":"diagnostic","message":"function `helper` is never used","code":{"code":"dead_code","explanation":null},"level":"error","spans":[{"file_name":"main.rs","byte_start":22,"byte_end":28,"line_start":2,"line_end":2,"column_start":4,"column_end":10,"is_primary":true,"text":[{"text":"fn helper() {}","highlight_start":4,"highlight_end":10}],"label":null,"suggested_replacement":null,"suggestion_applicability":null,"expansion":null}],"children":[{"message":"the lint level is defined here","code":null,"level":"note","spans":[{"file_name":"main.rs","byte_start":7,"byte_end":16,"line_start":1,"line_end":1,"column_start":8,"column_end":17,"is_primary":true,"text":[{"text":"#[deny(dead_code)]","highlight_start":8,"highlight_end":17}],"label":null,"suggested_replacement":null,"suggestion_applicability":null,"expansion":null}],"children":[],"rendered":null}],"rendered":"error: function `helper` is never used\n --> main.rs:2:4\n  |\n2 | fn helper() {}\n  |    ^^^^^^\n  |\nnote: the lint level is defined here\n --> main.rs:1:8\n  |\n1 | #[deny(dead_code)]\n  |        ^^^^^^^^^\n\n"}
{"$message_type":"diagnostic","message":"aborting due to 1 previous error; 1 warning emitted","code":null,"level":"error","spans":[],"children":[],"rendered":"error: aborting due to 1 previous error; 1 warning emitted\n\n"}
"""
"""rustc ... main.rs  (`#[deny(dead_code)]` unused fn, unused variable), stderr"""

RUSTC_WARNING: Final = r"""{"$message_type":"diagnostic","message":"unused variable: `unused`","code":{"code":"unused_variables","explanation":null},"level":"warning","spans":[{"file_name":"main.rs","byte_start":20,"byte_end":26,"line_start":2,"line_end":2,"column_start":9,"column_end":15,"is_primary":true,"text":[{"text":"    let unused = 1;","highlight_start":9,"highlight_end":15}],"label":null,"suggested_replacement":null,"suggestion_applicability":null,"expansion":null}],"children":[{"message":"`#[warn(unused_variables)]` (part of `#[warn(unused)]`) on by default","code":null,"level":"note","spans":[],"children":[],"rendered":null},{"message":"if this is intentional, prefix it with an underscore","code":null,"level":"help","spans":[{"file_name":"main.rs","byte_start":20,"byte_end":26,"line_start":2,"line_end":2,"column_start":9,"column_end":15,"is_primary":true,"text":[{"text":"    let unused = 1;","highlight_start":9,"highlight_end":15}],"label":null,"suggested_replacement":"_unused","suggestion_applicability":"MachineApplicable","expansion":null}],"children":[],"rendered":null}],"rendered":"warning: unused variable: `unused`\n --> main.rs:2:9\n  |\n2 |     let unused = 1;\n  |         ^^^^^^ help: if this is intentional, prefix it with an underscore: `_unused`\n  |\n  = note: `#[warn(unused_variables)]` (part of `#[warn(unused)]`) on by default\n\n"}
{"$message_type":"diagnostic","message":"1 warning emitted","code":null,"level":"warning","spans":[],"children":[],"rendered":"warning: 1 warning emitted\n\n"}
"""
"""rustc ... main.rs  (unused variable only; exit 0), stderr"""

RUSTC_TYPE_ERROR: Final = r"""{"$message_type":"diagnostic","message":"mismatched types","code":{"code":"E0308","explanation":"Expected type did not match the received type.\n\nErroneous code examples:\n\n```compile_fail,E0308\nfn plus_one(x: i32) -> i32 {\n    x + 1\n}\n\nplus_one(\"Not a number\");\n//       ^^^^^^^^^^^^^^ expected `i32`, found `&str`\n\nif \"Not a bool\" {\n// ^^^^^^^^^^^^ expected `bool`, found `&str`\n}\n\nlet x: f32 = \"Not a float\";\n//     ---   ^^^^^^^^^^^^^ expected `f32`, found `&str`\n//     |\n//     expected due to this\n```\n\nThis error occurs when an expression was used in a place where the compiler\nexpected an expression of a different type. It can occur in several cases, the\nmost common being when calling a function and passing an argument which has a\ndifferent type than the matching type in the function declaration.\n"},"level":"error","spans":[{"file_name":"main.rs","byte_start":29,"byte_end":32,"line_start":2,"line_end":2,"column_start":18,"column_end":21,"is_primary":true,"text":[{"text":"    let y: i32 = \"x\";","highlight_start":18,"highlight_end":21}],"label":"expected `i32`, found `&str`","suggested_replacement":null,"suggestion_applicability":null,"expansion":null},{"file_name":"main.rs","byte_start":23,"byte_end":26,"line_start":2,"line_end":2,"column_start":12,"column_end":15,"is_primary":false,"text":[{"text":"    let y: i32 = \"x\";","highlight_start":12,"highlight_end":15}],"label":"expected due to this","suggested_replacement":null,"suggestion_applicability":null,"expansion":null}],"children":[],"rendered":"error[E0308]: mismatched types\n --> main.rs:2:18\n  |\n2 |     let y: i32 = \"x\";\n  |            ---   ^^^ expected `i32`, found `&str`\n  |            |\n  |            expected due to this\n\n"}
{"$message_type":"diagnostic","message":"aborting due to 1 previous error","code":null,"level":"error","spans":[],"children":[],"rendered":"error: aborting due to 1 previous error\n\n"}
{"$message_type":"diagnostic","message":"For more information about this error, try `rustc --explain E0308`.","code":null,"level":"failure-note","spans":[],"children":[],"rendered":"For more information about this error, try `rustc --explain E0308`.\n"}
"""
"""rustc ... main.rs  (`let y: i32 = "x";`), stderr"""

NODE_SYNTAX: Final = r"""/tmp/analysis-samples/w/n1/main.js:3
  return x +;
            ^

SyntaxError: Unexpected token ';'
    at wrapSafe (node:internal/modules/cjs/loader:1464:18)
    at checkSyntax (node:internal/main/check_syntax:78:3)

Node.js v20.20.2
"""
"""node --check main.js  (`return x +;` on line 3), stderr"""

NODE_REDECLARED: Final = r"""/tmp/analysis-samples/w/n2/main.js:2
let a = 2;
    ^

SyntaxError: Identifier 'a' has already been declared
    at wrapSafe (node:internal/modules/cjs/loader:1464:18)
    at checkSyntax (node:internal/main/check_syntax:78:3)

Node.js v20.20.2
"""
"""node --check main.js  (`let a` twice), stderr"""

NODE_BAD_OPTION: Final = r"""node: bad option: --chek
"""
"""node --chek main.js: no error line, stderr"""

NODE_LABEL: Final = r"""/tmp/analysis-samples/w/n4/main.js:1
FakeError: for (;;) { x +; }
                         ^

SyntaxError: Unexpected token ';'
    at wrapSafe (node:internal/modules/cjs/loader:1464:18)
    at checkSyntax (node:internal/main/check_syntax:78:3)

Node.js v20.20.2
"""
"""node --check main.js  (`FakeError: for (;;) { x +; }`), stderr"""

TSC_FINDINGS: Final = r"""main.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.
main.ts(3,11): error TS2353: Object literal may only specify known properties, and 'y' does not exist in type '{ x: number; }'.
main.ts(4,13): error TS2552: Cannot find name 'undefinedName'. Did you mean 'undefined'?
"""
"""tsc ... main.ts  (three type errors), stdout"""

TSC_CHAIN: Final = r"""main.ts(1,5): error TS2322: Type '(a: string) => number' is not assignable to type '(a: number) => string'.
  Types of parameters 'a' and 'a' are incompatible.
    Type 'number' is not assignable to type 'string'.
"""
"""tsc ... main.ts  (a message with continuation lines), stdout"""

TSC_BAD_OPTION: Final = r"""error TS5023: Unknown compiler option '--foo'.
"""
"""tsc ... --foo main.ts: an error without a location (exit 1), stdout"""

LIZARD: Final = r"""2,1,7,1,2,"simple@1-2@main.py","main.py","simple","simple( x )",1,2
11,8,47,2,11,"branchy@5-15@main.py","main.py","branchy","branchy( x , y )",5,15
2,3,18,1,2,"method@19-20@main.py","main.py","method","method( self )",19,20
"""
"""lizard --csv -l python main.py  (simple, branchy, A.method), stdout"""

LIZARD_TABLE: Final = (
    "================================================\n"
    "  NLOC    CCN   token  PARAM  length  location  \n"
    "------------------------------------------------\n"
    "       2      1      7      1       2 simple@1-2@main.py\n"
    "      11      8     47      2      11 branchy@5-15@main.py\n"
    "       2      3     18      1       2 method@19-20@main.py\n"
    "1 file analyzed.\n"
    "==============================================================\n"
    "NLOC    Avg.NLOC  AvgCCN  Avg.token  function_cnt    file\n"
    "--------------------------------------------------------------\n"
    "     16       5.0     4.0       24.0         3     main.py\n"
    "\n"
    "===============================================================================================================\n"
    "No thresholds exceeded (cyclomatic_complexity > 15 or length > 1000 or nloc > 1000000 or parameter_count > 100)\n"
    "==========================================================================================\n"
    "Total nloc   Avg.NLOC  AvgCCN  Avg.token   Fun Cnt  Warning cnt   Fun Rt   nloc Rt\n"
    "------------------------------------------------------------------------------------------\n"
    "        16       5.0     4.0       24.0        3            0      0.00    0.00\n"
)
"""lizard -l python main.py  (the default table, not CSV), stdout"""

LIZARD_VERBOSE: Final = r"""NLOC,CCN,token,PARAM,length,location,file,function,long_name,start,end
2,1,7,1,2,"simple@1-2@main.py","main.py","simple","simple( x )",1,2
11,8,47,2,11,"branchy@5-15@main.py","main.py","branchy","branchy( x , y )",5,15
2,3,18,1,2,"method@19-20@main.py","main.py","method","method( self )",19,20
"""
"""lizard --csv -V -l python main.py  (a header row), stdout"""
