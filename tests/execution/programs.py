"""Programs the sandbox tests run, per language: hello world, a multi-behaviour program (the first
stdin line picks what it does), and a syntax error with a fragment of the compiler's message."""

from __future__ import annotations

from engine.execution.languages import Language

HELLO: dict[Language, str] = {
    Language.PYTHON: 'print("Hello, World!")\n',
    Language.JAVASCRIPT: 'console.log("Hello, World!");\n',
    Language.TYPESCRIPT: 'const greeting: string = "Hello, World!";\nconsole.log(greeting);\n',
    Language.JAVA: (
        "public class Main {\n    public static void main(String[] args) {\n"
        '        System.out.println("Hello, World!");\n    }\n}\n'
    ),
    Language.CPP: '#include <iostream>\n\nint main() {\n    std::cout << "Hello, World!" << std::endl;\n}\n',
    Language.C: '#include <stdio.h>\n\nint main(void) {\n    puts("Hello, World!");\n    return 0;\n}\n',
    Language.GO: 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("Hello, World!")\n}\n',
    Language.RUST: 'fn main() {\n    println!("Hello, World!");\n}\n',
}

# stdin "echo\n<rest>" prints <rest>; "crash" fails at run time; "spin" loops forever; "hog" allocates
# 1 MiB blocks (touched) forever; "flood" prints forever; anything else prints "nope".
BEHAVIOURS: dict[Language, str] = {
    Language.PYTHON: """\
import sys

data = sys.stdin.read()
cmd, _, rest = data.partition("\\n")
if cmd == "echo":
    sys.stdout.write(rest)
elif cmd == "crash":
    raise ValueError("boom")
elif cmd == "spin":
    while True:
        pass
elif cmd == "hog":
    blocks = []
    while True:
        blocks.append(b"x" * (1 << 20))
elif cmd == "flood":
    while True:
        print("y" * 1000)
else:
    print("nope")
""",
    Language.JAVASCRIPT: """\
const fs = require("fs");
const data = fs.readFileSync(0, "utf8");
const nl = data.indexOf("\\n");
const cmd = nl < 0 ? data : data.slice(0, nl);
const rest = nl < 0 ? "" : data.slice(nl + 1);
if (cmd === "echo") {
  fs.writeSync(1, rest);
} else if (cmd === "crash") {
  throw new Error("boom");
} else if (cmd === "spin") {
  for (;;) {}
} else if (cmd === "hog") {
  const blocks = [];
  for (;;) blocks.push(new Array(1 << 17).fill(1.5));
} else if (cmd === "flood") {
  const line = "y".repeat(1000) + "\\n";
  for (;;) fs.writeSync(1, line);
} else {
  console.log("nope");
}
""",
    Language.TYPESCRIPT: """\
import * as fs from "fs";

const data: string = fs.readFileSync(0, "utf8");
const nl: number = data.indexOf("\\n");
const cmd: string = nl < 0 ? data : data.slice(0, nl);
const rest: string = nl < 0 ? "" : data.slice(nl + 1);
if (cmd === "echo") {
  fs.writeSync(1, rest);
} else if (cmd === "crash") {
  throw new Error("boom");
} else if (cmd === "spin") {
  for (;;) {}
} else if (cmd === "hog") {
  const blocks: number[][] = [];
  for (;;) blocks.push(new Array<number>(1 << 17).fill(1.5));
} else if (cmd === "flood") {
  const line: string = "y".repeat(1000) + "\\n";
  for (;;) fs.writeSync(1, line);
} else {
  console.log("nope");
}
""",
    Language.JAVA: """\
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

public class Solution {
    static void spin() {
        while (true) {
        }
    }

    static void hog() {
        List<long[]> blocks = new ArrayList<>();
        while (true) {
            blocks.add(new long[1 << 17]);
        }
    }

    static void flood() {
        String line = "y".repeat(1000);
        while (true) {
            System.out.println(line);
        }
    }

    public static void main(String[] args) throws Exception {
        String data = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        int nl = data.indexOf('\\n');
        String cmd = nl < 0 ? data : data.substring(0, nl);
        String rest = nl < 0 ? "" : data.substring(nl + 1);
        if (cmd.equals("echo")) System.out.print(rest);
        else if (cmd.equals("crash")) throw new IllegalStateException("boom");
        else if (cmd.equals("spin")) spin();
        else if (cmd.equals("hog")) hog();
        else if (cmd.equals("flood")) flood();
        else System.out.println("nope");
    }
}
""",
    Language.CPP: """\
#include <iostream>
#include <string>
#include <vector>

int main() {
    std::string cmd;
    std::getline(std::cin, cmd);
    if (cmd == "echo") {
        std::string line;
        while (std::getline(std::cin, line)) std::cout << line << '\\n';
    } else if (cmd == "crash") {
        std::vector<int> v;
        return v.at(5);
    } else if (cmd == "spin") {
        volatile unsigned long x = 0;
        for (;;) x = x + 1;
    } else if (cmd == "hog") {
        std::vector<std::vector<char>> blocks;
        for (;;) blocks.emplace_back(1 << 20, 'x');
    } else if (cmd == "flood") {
        const std::string line(1000, 'y');
        for (;;) std::cout << line << '\\n';
    } else {
        std::cout << "nope\\n";
    }
}
""",
    Language.C: """\
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    char cmd[64] = {0};
    if (!fgets(cmd, sizeof cmd, stdin)) return 1;
    cmd[strcspn(cmd, "\\n")] = 0;
    if (!strcmp(cmd, "echo")) {
        int c;
        while ((c = getchar()) != EOF) putchar(c);
    } else if (!strcmp(cmd, "crash")) {
        volatile int *p = NULL;
        *p = 1;
    } else if (!strcmp(cmd, "spin")) {
        volatile unsigned long x = 0;
        for (;;) x = x + 1;
    } else if (!strcmp(cmd, "hog")) {
        for (;;) {
            char *block = malloc(1 << 20);
            memset(block, 'x', 1 << 20);
        }
    } else if (!strcmp(cmd, "flood")) {
        for (;;) printf("%01000d\\n", 0);
    } else {
        puts("nope");
    }
    return 0;
}
""",
    Language.GO: """\
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	data, _ := io.ReadAll(os.Stdin)
	cmd, rest, _ := strings.Cut(string(data), "\\n")
	switch cmd {
	case "echo":
		fmt.Print(rest)
	case "crash":
		var m map[string]int
		m["x"] = 1
	case "spin":
		for {
		}
	case "hog":
		var blocks [][]byte
		for {
			block := make([]byte, 1<<20)
			for i := range block {
				block[i] = 'x'
			}
			blocks = append(blocks, block)
		}
	case "flood":
		out := bufio.NewWriter(os.Stdout)
		line := strings.Repeat("y", 1000) + "\\n"
		for {
			out.WriteString(line)
		}
	default:
		fmt.Println("nope")
	}
}
""",
    Language.RUST: """\
use std::io::{self, Read, Write};

fn main() {
    let mut data = String::new();
    io::stdin().read_to_string(&mut data).unwrap();
    let (cmd, rest) = data.split_once('\\n').unwrap_or((data.as_str(), ""));
    match cmd {
        "echo" => print!("{}", rest),
        "crash" => {
            let v: Vec<i32> = Vec::new();
            println!("{}", v[3]);
        }
        "spin" => loop {},
        "hog" => {
            let mut blocks = Vec::new();
            loop {
                blocks.push(vec![1u8; 1 << 20]);
            }
        }
        "flood" => {
            let line = "y".repeat(1000);
            let out = io::stdout();
            let mut lock = out.lock();
            loop {
                writeln!(lock, "{}", line).unwrap();
            }
        }
        _ => println!("nope"),
    }
}
""",
}

SYNTAX_ERRORS: dict[Language, tuple[str, str]] = {
    Language.PYTHON: ("def broken(:\n    pass\n", "SyntaxError"),
    Language.JAVASCRIPT: ("function (\n", "SyntaxError"),
    Language.TYPESCRIPT: ("let x: number = ;\n", "TS1109"),
    Language.JAVA: ("public class Main { void f( }\n", "illegal start of type"),
    Language.CPP: ("int main() { return }\n", "expected primary-expression"),
    Language.C: ("int main(void) { return }\n", "expected expression"),
    Language.GO: ("package main\nfunc main() {\n", "syntax error"),
    Language.RUST: ("fn main() { let x = ; }\n", "expected expression"),
}
