"""A lightweight C++ tokenizer for the mutation tool: identifiers, numbers, operators and
literals, with comments, whitespace and preprocessor lines skipped (no libclang). Each token keeps
its character offsets and line, so an edit can be applied to the source text."""

import re
from dataclasses import dataclass

OPERATORS = sorted(
    """<=> <<= >>= ->* ... :: -> ++ -- << >> <= >= == != && || += -= *= /= %= &= |= ^= .*
    + - * / % < > = ! ~ & | ^ ? : ; , . ( ) [ ] { }""".split(),
    key=len,
    reverse=True,
)
TOKEN_RE = re.compile(
    r"(?P<space>\s+)|(?P<comment>//[^\n]*|/\*.*?\*/)"
    r"|(?P<string>\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*')"
    r"|(?P<number>(?:0[xX][0-9a-fA-F']+|\d[\d']*)[uUlLzZ]*)|(?P<ident>[A-Za-z_]\w*)|(?P<op>"
    + "|".join(re.escape(o) for o in OPERATORS)
    + r")",
    re.S,
)
KEYWORDS_STOP = {"return", "case", "throw", "else", "do", "if", "while", "for", "switch",
                 "co_return"}
ASSIGN_OPS = {"=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>="}
# Binary precedence (smaller binds tighter), as in C++.
BINARY_LEVEL = {"*": 5, "/": 5, "%": 5, "+": 6, "-": 6, "<<": 7, ">>": 7, "<=>": 8, "<": 9,
                "<=": 9, ">": 9, ">=": 9, "==": 10, "!=": 10, "&": 11, "^": 12, "|": 13, "&&": 14,
                "||": 15}
OPEN = {"(": ")", "[": "]", "{": "}"}


@dataclass
class Token:
    kind: str  # number, ident, op, string
    text: str
    start: int  # character offsets in the source
    end: int
    line: int


def tokenize(source):
    """Tokens of `source`, without comments, whitespace and preprocessor lines."""
    tokens, pos, line = [], 0, 1
    at_line_start = True
    while pos < len(source):
        if at_line_start and source[pos] == "#":
            end = pos
            while True:
                end = source.find("\n", end)
                if end < 0 or source[end - 1] != "\\":
                    break
                end += 1
            end = len(source) if end < 0 else end
            line += source.count("\n", pos, end)
            pos = end
            continue
        match = TOKEN_RE.match(source, pos)
        if not match:
            raise ValueError(f"line {line}: cannot tokenize {source[pos:pos + 20]!r}")
        kind, text = match.lastgroup, match.group()
        if kind not in ("space", "comment"):
            tokens.append(Token(kind, text, pos, match.end(), line))
            at_line_start = False
        newlines = text.count("\n")
        if newlines:
            at_line_start = kind == "space" and text.rstrip(" \t").endswith("\n")
            line += newlines
        pos = match.end()
    return tokens


