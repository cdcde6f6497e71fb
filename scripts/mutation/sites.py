"""Mutation sites of a C++ source file, and the schemata that compiles all of them into one build.

A lightweight tokenizer (comments, string and character literals and preprocessor lines skipped; no
libclang) finds the places where a single change makes a plausible bug: relational operators (a
boundary shift `<` <-> `<=` and a flip `<` <-> `>`), `==` <-> `!=`, `&&` <-> `||`, a negated `if` or
`while` condition, `+1`/`-1` on an integer literal, a named integer constant or an index,
`std::min` <-> `std::max`, a deleted statement (a call, an assignment, an early `return`, `break` or
`continue`), and two adjacent arguments of the same type swapped where the callee's declaration in
core/*.h shows it. Never mutated: assertions (VSRSIM_ASSERT*), the named-mutant switches
(`mutants_.Has(...)`, `unknown_client_is_new_` and the code they guard), capacity hints (`reserve`),
`if constexpr` conditions and template arguments.

Each site is a span of the source and one edit inside it (schemata.py renders them); each mutant
gets a stable id `file:line:kind:ordinal` and a key without the line, for triage.
"""

import hashlib
import re
from dataclasses import dataclass, field

from mutation.headers import header_declarations, integer_constants
from mutation.schemata import single_source
from mutation.tokens import ASSIGN_OPS, BINARY_LEVEL, KEYWORDS_STOP, OPEN, tokenize

SWITCH_IDENTIFIERS = {"Has", "unknown_client_is_new_"}

# --- Sites ----------------------------------------------------------------------------------------


@dataclass
class Site:
    kind: str
    start: int  # token span [start, end) the schemata rewrites
    end: int
    edit_start: int  # token span [edit_start, edit_end) the mutant replaces ...
    edit_end: int
    replacement: str  # ... with this text, on one line ('' for a deleted statement)
    patch: str = ""  # The replacement as the patch writes it (the original spelling kept).
    statement: bool = False  # a deleted statement, not an expression
    line: int = 0
    function: str = ""
    children: list = field(default_factory=list)


class Parser:
    """Finds the mutation sites of one tokenized file."""

    def __init__(self, source, header_decls, int_constants):
        self.source = source
        self.tokens = tokenize(source)
        self.header_decls = header_decls
        self.int_constants = int_constants
        self.match = {}
        self.template_open = set()
        self._match_brackets()
        self.skip = self._skipped_tokens()

    # Brackets and template argument lists.
    def _match_brackets(self):
        t = self.tokens
        for i, tok in enumerate(t):
            if tok.text == "<" and i > 0 and t[i - 1].kind == "ident" and t[i - 1].text not in (
                    KEYWORDS_STOP):
                close = self._template_close(i)
                if close is not None:
                    self.match[i], self.match[close] = close, i
                    self.template_open.add(i)
        stack = []
        for i, tok in enumerate(t):
            if tok.text in OPEN:
                stack.append(i)
            elif tok.text in (")", "]", "}"):
                opened = stack.pop()
                assert OPEN[t[opened].text] == tok.text, f"line {tok.line}: unbalanced"
                self.match[opened], self.match[i] = i, opened

    def _template_close(self, i):
        depth, j, t = 0, i, self.tokens
        while j < len(t):
            text = t[j].text
            if text == "<":
                depth += 1
            elif text == ">":
                depth -= 1
                if depth == 0:
                    after = t[j + 1].text if j + 1 < len(t) else ";"
                    ok = after in ("(", "{", "::", ")", ",", ";", ">", "&", "*", "[") or (
                        t[j + 1].kind == "ident")
                    return j if ok else None
            elif text in (";", "{", "}", "&&", "||", "==", "!=", "?", "=", ">>", "<<") or (
                    text == ")" and not self._inside_parens(i, j)):
                return None
            j += 1
        return None

    def _inside_parens(self, i, j):
        depth = 0
        for k in range(i, j):
            depth += {"(": 1, ")": -1}.get(self.tokens[k].text, 0)
        return depth > 0

    def _skipped_tokens(self):
        """Tokens no site may edit: assertions, lines with one, and the named-mutant switches."""
        t, skip = self.tokens, set()
        assert_lines = {tok.line for tok in t if tok.text.startswith("VSRSIM_ASSERT")}
        for i, tok in enumerate(t):
            if tok.line in assert_lines:
                skip.add(i)
            if tok.text.startswith("VSRSIM_ASSERT") and i + 1 < len(t) and t[i + 1].text == "(":
                skip.update(range(i, self.match[i + 1] + 1))
            if tok.text == "reserve" and i + 1 < len(t) and t[i + 1].text == "(":
                skip.update(range(i, self.match[i + 1] + 1))
            if tok.text == "if" and t[i + 1].text == "(":
                close = self.match[i + 1]
                if any(t[k].text in SWITCH_IDENTIFIERS for k in range(i + 1, close)):
                    body_end = self._statement_end(close + 1)
                    skip.update(range(i, body_end))
        return skip

    def _statement_end(self, i):
        """One past the last token of the statement starting at token i."""
        t = self.tokens
        if t[i].text == "{":
            return self.match[i] + 1
        if t[i].text in ("if", "while", "for", "switch"):
            j = self.match[i + 1] + 1
            if t[i + 1].text == "constexpr":
                j = self.match[i + 2] + 1
            end = self._statement_end(j)
            if t[i].text == "if" and end < len(t) and t[end].text == "else":
                end = self._statement_end(end + 1)
            return end
        j = i
        while t[j].text != ";":
            j = self.match[j] + 1 if t[j].text in OPEN else j + 1
        return j + 1

    def _has_switch(self, start, end):
        return any(self.tokens[k].text in SWITCH_IDENTIFIERS for k in range(start, end))

    def _editable(self, start, end, span=None):
        span = span or (start, end)
        return not any(k in self.skip for k in range(start, end)) and not self._has_switch(*span)

    # Operands of a binary operator.
    def _operand_end_token(self, j):
        tok = self.tokens[j]
        return tok.kind in ("ident", "number", "string") and tok.text not in KEYWORDS_STOP or (
            tok.text in (")", "]", "}", "++", "--")) or (tok.text == ">" and j in self.match)

    def _is_binary(self, j):
        return j > 0 and self._operand_end_token(j - 1)

    def _left_operand(self, k, level):
        t, j = self.tokens, k - 1
        while j >= 0:
            text = t[j].text
            if text in (")", "]") or (text == ">" and j in self.match):
                j = self.match[j] - 1
            elif text == "}" and self._braced_init(self.match[j]):
                j = self.match[j] - 1
            elif text in OPEN or text in ("}", ";", ",", "?", ":") or text in ASSIGN_OPS:
                break
            elif t[j].kind == "ident" and text in KEYWORDS_STOP:
                break
            elif text in BINARY_LEVEL and self._is_binary(j) and BINARY_LEVEL[text] > level:
                break
            else:
                j -= 1
        return j + 1

    def _right_operand(self, k, level):
        t, j = self.tokens, k + 1
        while j < len(t):
            text = t[j].text
            if text in ("(", "[") or j in self.template_open:
                j = self.match[j] + 1
            elif text == "{" and self._braced_init(j):
                j = self.match[j] + 1
            elif text in (")", "]", "{", "}", ";", ",", "?", ":") or text in ASSIGN_OPS:
                break
            elif text in BINARY_LEVEL and self._is_binary(j) and BINARY_LEVEL[text] >= level:
                break
            else:
                j += 1
        return j

    def _braced_init(self, open_index):
        return open_index > 0 and (self.tokens[open_index - 1].kind == "ident" or
                                   self.tokens[open_index - 1].text in ("(", ",", "=", "return"))

    # The sites.
    def sites(self):
        found = []
        found += self._binary_sites()
        found += self._condition_sites()
        found += self._constant_sites()
        found += self._index_sites()
        found += self._min_max_sites()
        found += self._argument_swap_sites()
        found += self._statement_sites()
        for site in found:
            site.line = self.tokens[site.edit_start].line
            site.patch = site.patch or site.replacement
        return found

    def text(self, start, end):
        """The source text of tokens [start, end), comments and line breaks included."""
        return self.source[self.tokens[start].start:self.tokens[end - 1].end]

    def _binary_sites(self):
        t, out = self.tokens, []
        swaps = {"<": [("boundary", "<="), ("flip", ">")],
                 "<=": [("boundary", "<"), ("flip", ">=")],
                 ">": [("boundary", ">="), ("flip", "<")],
                 ">=": [("boundary", ">"), ("flip", "<=")],
                 "==": [("equality", "!=")], "!=": [("equality", "==")],
                 "&&": [("logic", "||")], "||": [("logic", "&&")]}
        for k, tok in enumerate(t):
            if tok.text not in swaps or k in self.match or not self._is_binary(k):
                continue
            level = BINARY_LEVEL[tok.text]
            start, end = self._left_operand(k, level), self._right_operand(k, level)
            if start == k or end == k + 1 or not self._editable(k, k + 1, (start, end)):
                continue
            for kind, replacement in swaps[tok.text]:
                out.append(Site(kind, start, end, k, k + 1, replacement))
        return out

    def _condition_sites(self):
        t, out = self.tokens, []
        for i, tok in enumerate(t):
            if tok.text in ("if", "while") and t[i + 1].text == "(":
                if i > 0 and t[i - 1].text == "do":
                    continue
                start, end = i + 2, self.match[i + 1]
                if self._editable(start, end):
                    text = " ".join(x.text for x in t[start:end])
                    site = Site("negate", start, end, start, end, f"!({text})")
                    site.patch = f"!({self.text(start, end)})"
                    out.append(site)
        return out

    def _constant_sites(self):
        t, out = self.tokens, []
        for i, tok in enumerate(t):
            literal = tok.kind == "number"
            constant = tok.kind == "ident" and tok.text in self.int_constants and (
                i == 0 or t[i - 1].text not in ("::", ".", "->"))
            if not (literal or constant) or not self._editable(i, i + 1):
                continue
            if self._in_template_args(i) or (i > 0 and t[i - 1].text == "case"):
                continue
            for kind, sign in (("plus-one", "+"), ("minus-one", "-")):
                out.append(Site(kind, i, i + 1, i, i + 1, f"({tok.text} {sign} 1)"))
        return out

    def _in_template_args(self, i):
        return any(o < i < self.match[o] for o in self.template_open)

    def _index_sites(self):
        t, out = self.tokens, []
        for i, tok in enumerate(t):
            if tok.text != "[" or not self._operand_end_token(i - 1):
                continue
            start, end = i + 1, self.match[i]
            if end == start or not self._editable(start, end):
                continue
            last = t[end - 1]
            if end - start == 1 and last.kind == "number":
                continue  # The literal's own sites cover it.
            if end - start >= 3 and last.kind == "number" and t[end - 2].text in ("+", "-"):
                continue
            text = " ".join(x.text for x in t[start:end])
            for kind, sign in (("index-plus-one", "+"), ("index-minus-one", "-")):
                site = Site(kind, start, end, start, end, f"({text}) {sign} 1")
                site.patch = f"({self.text(start, end)}) {sign} 1"
                out.append(site)
        return out

    def _min_max_sites(self):
        t, out = self.tokens, []
        other = {"min": "max", "max": "min", "min_element": "max_element",
                 "max_element": "min_element"}
        for i, tok in enumerate(t):
            if tok.text in other and i >= 2 and t[i - 1].text == "::" and t[i - 2].text == "std":
                if t[i + 1].text != "(" or not self._editable(i, i + 1, (i - 2, self.match[i + 1])):
                    continue
                out.append(Site("min-max", i - 2, self.match[i + 1] + 1, i, i + 1, other[tok.text]))
        return out

    def _argument_swap_sites(self):
        t, out = self.tokens, []
        for i, tok in enumerate(t):
            if tok.kind != "ident" or tok.text not in self.header_decls or t[i + 1].text != "(":
                continue
            if i > 0 and t[i - 1].text == "::" and t[i - 2].text == "std":
                continue
            close = self.match[i + 1]
            args = self._split_arguments(i + 2, close)
            types = self.header_decls[tok.text]
            if len(args) != len(types) or not self._editable(i + 2, close, (i, close + 1)):
                continue
            for a in range(len(args) - 1):
                if types[a] != types[a + 1] or types[a] is None:
                    continue
                (s1, e1), (s2, e2) = args[a], args[a + 1]
                first = " ".join(x.text for x in t[s1:e1])
                second = " ".join(x.text for x in t[s2:e2])
                site = Site("swap-args", i, close + 1, s1, e2, f"{second}, {first}")
                site.patch = f"{self.text(s2, e2)}, {self.text(s1, e1)}"
                out.append(site)
        return out

    def _split_arguments(self, start, end):
        args, j, arg_start = [], start, start
        while j < end:
            if self.tokens[j].text in OPEN or j in self.template_open:
                j = self.match[j] + 1
                continue
            if self.tokens[j].text == ",":
                args.append((arg_start, j))
                arg_start = j + 1
            j += 1
        if end > start:
            args.append((arg_start, end))
        return args

    def _statement_sites(self):
        """Expression statements that are a call, an assignment or an increment, and early exits."""
        t, out = self.tokens, []
        for start, end, in_if in self._statements():
            first = t[start].text
            if not self._editable(start, end):
                continue
            if first in ("return", "break", "continue"):
                if in_if:
                    out.append(Site("delete-" + first, start, end, start, end, "", statement=True))
                continue
            if t[start].kind != "ident" and first not in ("*", "++", "--"):
                continue
            if first in KEYWORDS_STOP or first in ("using", "const", "auto", "static",
                                                   "constexpr", "goto", "namespace"):
                continue
            if self._is_declaration(start, end):
                continue
            depth0 = self._depth0(start, end)
            assigns = any(t[k].text in ASSIGN_OPS or t[k].text in ("++", "--") for k in depth0)
            call = t[end - 2].text == ")"
            if assigns or call:
                kind = "delete-assignment" if assigns else "delete-call"
                out.append(Site(kind, start, end, start, end, "", statement=True))
        return out

    def _depth0(self, start, end):
        out, j = [], start
        while j < end:
            out.append(j)
            grouped = self.tokens[j].text in OPEN or j in self.template_open
            j = self.match[j] + 1 if grouped else j + 1
        return out

    def _is_declaration(self, start, end):
        t = self.tokens
        names = []
        for k in self._depth0(start, end):
            text = t[k].text
            if text in ASSIGN_OPS or text in ("(", "{", ";"):
                break
            names.append(t[k])
        # Two name-like tokens in a row (a type, then the variable): `Op same`, `std::size_t count`.
        for a, b in zip(names, names[1:]):
            type_end = a.kind == "ident" or a.text in (">", "*", "&") or (
                a.text == "<" and a.start in self._template_starts())
            if type_end and b.kind == "ident" and a.text != "return":
                return True
        return False

    def _template_starts(self):
        return {self.tokens[i].start for i in self.template_open}

    def _statements(self):
        """(start, end, directly in an if body) of every statement inside function bodies."""
        t, out = self.tokens, []

        def block(i, end, in_if=False):
            while i < end:
                i = statement(i, in_if)

        def statement(i, in_if):
            text = t[i].text
            if text == "{":
                block(i + 1, self.match[i], in_if)
                return self.match[i] + 1
            if text in ("if", "while", "for", "switch"):
                j = i + 1
                if t[j].text == "constexpr":
                    j += 1
                body = self.match[j] + 1
                after = statement(body, text == "if")
                if text == "if" and after < len(t) and t[after].text == "else":
                    after = statement(after + 1, True)
                return after
            if text in ("case", "default"):
                j = i
                while t[j].text != ":":
                    j += 1
                return j + 1
            end = self._statement_end(i)
            out.append((i, end, in_if))
            # Lambda bodies inside the statement.
            for k in range(i, end):
                if t[k].text == "{" and k > 0 and t[k - 1].text == ")" and self._lambda(k):
                    block(k + 1, self.match[k])
            return end

        for body_open in self._function_bodies():
            block(body_open + 1, self.match[body_open])
        return out

    def _lambda(self, brace):
        close_paren = brace - 1
        open_paren = self.match[close_paren]
        return open_paren > 0 and self.tokens[open_paren - 1].text == "]"

    def _function_bodies(self):
        """Indices of the `{` of every function body at namespace level."""
        t, out, i = self.tokens, [], 0
        while i < len(t):
            if t[i].text == "{":
                if self._opens_namespace(i):
                    i += 1
                    continue
                if self._after_signature(i):
                    out.append(i)
                i = self.match[i] + 1
                continue
            i += 1
        return out

    def _opens_namespace(self, brace):
        j = brace - 1
        while j >= 0 and (self.tokens[j].kind == "ident" or self.tokens[j].text == "::"):
            if self.tokens[j].text == "namespace":
                return True
            j -= 1
        return False

    def _after_signature(self, brace):
        t, j = self.tokens, brace - 1
        while j >= 0 and t[j].text in ("const", "override", "noexcept", "final"):
            j -= 1
        return t[j].text == ")"


# --- Functions and stable ids ---------------------------------------------------------------------

FUNCTION_RE = re.compile(r"([A-Za-z_~][\w]*(?:::[A-Za-z_~][\w]*)*)\(")


def function_lines(source):
    """(line, name) of each definition that starts at column 0."""
    out = []
    for number, text in enumerate(source.splitlines(), 1):
        if not text or text[0] in " \t#/}" or text.startswith(("namespace", "using")):
            continue
        match = FUNCTION_RE.search(text)
        if match:
            out.append((number, match.group(1)))
    return out


def find_sites(path, source, header_sources):
    """The sites of one file, each with a stable id, its line, function and texts."""
    parser = Parser(source, header_declarations(header_sources), integer_constants(header_sources))
    sites = parser.sites()
    functions = function_lines(source)
    lines = source.splitlines()
    sites.sort(key=lambda s: (s.line, s.edit_start, s.kind, s.replacement))
    ordinal, out = {}, []
    for site in sites:
        site.function = next((name for line, name in reversed(functions) if line <= site.line), "")
        key = (site.line, site.kind)
        ordinal[key] = ordinal.get(key, -1) + 1
        patched = single_source(source, parser.tokens, site).splitlines()
        first, last = site.line - 1, parser.tokens[site.edit_end - 1].line - 1
        delta = len(patched) - len(lines)
        out.append({
            "id": f"{path}:{site.line}:{site.kind}:{ordinal[key]}",
            "file": path,
            "line": site.line,
            "kind": site.kind,
            "function": site.function,
            "original": "\n".join(lines[first:last + 1]),
            "mutated": "\n".join(patched[first:last + 1 + delta]),
            "site": site,
        })
    occurrences = {}
    for row in out:
        # A key without the line number, so a triage decision follows its mutant when lines move.
        text = "\0".join([path, row["function"], row["kind"], " ".join(row["original"].split()),
                          " ".join(row["mutated"].split())])
        base = hashlib.sha256(text.encode()).hexdigest()[:10]
        occurrences[base] = occurrences.get(base, -1) + 1
        row["key"] = f"{base}-{occurrences[base]}"
        row["digest"] = hashlib.sha256(
            (row["id"] + "\0" + row["original"] + "\0" + row["mutated"]).encode()).hexdigest()[:16]
    return parser.tokens, out
