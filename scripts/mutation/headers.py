"""What the core's headers declare, as far as the mutation tool needs it: the parameter types of
functions declared once (to find adjacent arguments of the same type, aliases such as View and Op
resolved to their integer type), and the named integer constants (kPipelineMax, ...)."""

import re

ALIASES = {"View": "u64", "Op": "u64", "Session": "u64", "RequestNumber": "u64",
           "std::uint64_t": "u64", "std::size_t": "u64", "size_t": "u64", "uint64_t": "u64"}


def header_declarations(header_sources):
    """Function name -> normalized parameter types, for names declared once in the headers."""
    seen = {}
    decl = re.compile(r"\b([A-Za-z_]\w*)\s*\(([^()]*)\)\s*(?:const\s*)?(?:[;{]|override|=)")
    for text in header_sources:
        text = re.sub(r"//[^\n]*", "", text)
        for match in decl.finditer(text):
            name, params = match.group(1), match.group(2).strip()
            if name in ("if", "while", "for", "switch", "return", "sizeof") or not params:
                continue
            types = [normalize_type(p) for p in params.split(",")]
            if None in types or "." in params:
                continue  # A call, not a declaration.
            seen.setdefault(name, []).append(types)
    return {n: v[0] for n, v in seen.items() if len(v) == 1 and len(v[0]) >= 2}


def normalize_type(param):
    param = re.sub(r"\bconst\b", "", param).replace("&", " ").replace("*", " * ").strip()
    words = param.split()
    if len(words) < 2:
        return None
    type_text = " ".join(words[:-1])
    return ALIASES.get(type_text, type_text)


def integer_constants(header_sources):
    pattern = re.compile(r"constexpr\s+std::(?:size_t|uint\d+_t)\s+(k[A-Z]\w*)\s*=\s*\d+")
    return {m.group(1) for text in header_sources for m in pattern.finditer(text)}
