#!/usr/bin/env python3
"""Oracle for pydantic v2 *python lax mode* validation of an ``int`` field.

Measured against pydantic 2.13.4 / pydantic-core 2.46.4 on CPython 3.11.7:

    class M(BaseModel):
        i: int
    M(i=value)

Running this script
  * checks that ``model_lax_int`` / ``model_float_int`` / ``model_other``
    (below) agree with pydantic on the whole hand-made corpus plus 200,000
    random strings (it asserts 100 % agreement and exits non-zero otherwise),
  * writes ``Tests/CheckDomainTests/Fixtures/lax_int_cases.json`` (str and
    float cases), ``lax_int_other_kinds.json`` (int/bool/None/list/dict, and
    the str-field checks) and ``pydantic_error_messages.json`` (error type ->
    exact ``msg`` text).

Usage: python3 Tests/Oracle/lax_int_oracle.py [--random N] [--no-write]

Fixture format (lax_int_cases.json, ASCII-only JSON, one case per line):
  {"kind": "str"|"float", "input": S, "ok": true, "value": "<decimal>"}
  {"kind": "str"|"float", "input": S, "ok": false, "error": "<pydantic type>"}
  For kind "float", S is Python's repr() of the float ("1e+16", "-0.0",
  "inf", "-inf", "nan", "5e-324", ...).
  Strings longer than 200 characters are stored as
  "input_parts": [[chunk, count], ...]  instead of "input" (the input is the
  concatenation of chunk repeated count times, in order); likewise long
  results use "value_parts" instead of "value". Exactly one of each pair
  is present.
lax_int_other_kinds.json: {"kind": "bool"|"int"|"null"|"list"|"dict"|...,
  "field": "int"|"str", "input_json": <JSON text of the value> (or
  "input_int_parts" for a long int), "ok", "value"/"error"}.

=============================================================================
ALGORITHM: str -> int  (what pydantic-core does, restated for a re-implementer)
=============================================================================
Definitions
  DIGIT    = the ASCII characters '0'..'9' only. Non-ASCII digits (U+0663,
             U+FF15, ...) are never digits here.
  JSONINT  = the regex  ^-?(0|[1-9][0-9]*)$  (ASCII digits; no '+', no
             leading zeros, no whitespace, no '.', no exponent, no '_').
  WS       = Rust ``char::is_whitespace`` == the Unicode White_Space property:
             U+0009..U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000..U+200A,
             U+2028, U+2029, U+202F, U+205F, U+3000 (25 code points).
             NOT whitespace: U+001C..U+001F (Python's str.isspace() says yes,
             pydantic says no), U+180E, U+200B, U+200C, U+200D, U+2060, U+FEFF.
  len      = number of characters. Everywhere a length matters below, the
             string is pure ASCII, so bytes == characters == UTF-16 units.

0. (Python only) a str containing a lone surrogate is rejected with
   ``string_unicode`` before anything else. A JSON parser that produces
   Swift Strings cannot yield such input, so this is only a footnote.

1. Fast path on the RAW, untrimmed input s.
   a. Let P = the longest prefix of s matching  -?[1-9][0-9]*  (optional '-',
      then a NON-ZERO digit, then ASCII digits). If P exists and
      len(P) > 4300  ->  error ``int_parsing_size``, whatever follows P
      (e.g. '1'*4301+'x', '1'*4302+'.0', '-'+'1'*4300 all give int_parsing_size).
      The '-' counts towards the 4300. A prefix starting with '0', '+' or
      whitespace never triggers this.
   b. Else if s matches JSONINT (then len(s) <= 4300 automatically): the
      result is its decimal value. Done.
   c. Otherwise continue with step 2 on the same raw s.

2. Clean-up (any "fail" below means error ``int_parsing``):
   a. t = s with leading and trailing WS removed (both ends, any amount).
   b. If t starts with '+': drop exactly that one '+'. If the new t starts
      with '-', fail ("+-1").
   c. neg = false. If t starts with '-': drop it, neg = true; if the new t
      starts with '-' or '+', fail ("--1", "-+1").
      (So the sign must be directly followed by the number: "- 1" fails,
      "++1" fails later in d because '+' is not a digit.)
   d. Leading-zero strip. If t is empty, fail. Look at t[0]:
        - '1'..'9' (or '-'): keep t unchanged.
        - '0': scan k = 1, 2, ...:
              t[k] in {'0','_'}   -> keep scanning;
              t[k] in '1'..'9' or t[k] == '-' -> t = t[k:]  (stop);
              t[k] == '.'         -> t = t[k-1:] (keep the char just before
                                     the dot, which is '0' or '_'!) (stop);
              anything else       -> fail;
           if the scan runs off the end (t is all '0'/'_'), t = last char of t
           (which is '0', or '_' which then fails later).
        - anything else (including '+', '.', '_', WS, letters): fail.
      Quirks that follow: "0_42" -> 42, "0__1" -> 1, "0_" -> "_" fails,
      "0_.0" -> "_.0" -> fails, "0-5" -> "-5" -> -5 (!), "+0-5" -> -5,
      "0_-_5" -> "-_5" -> "-5" -> -5, but "-0-5" -> "--5" fails.
   e. Decimal-zeros strip: find the FIRST '.' in t. If the text after it is
      NON-EMPTY and consists only of '0' characters, cut t at the dot
      ("12.000" -> "12"; "12." unchanged; "12.0_0" unchanged; "1.0.0"
      unchanged).
   f. Underscore removal: if t contains at least one '_', does NOT start with
      '_', does NOT end with '_', and does not contain "__", then
      candidate = t with every '_' removed. Otherwise candidate = t
      (underscores, if any, stay and will make step 3 fail).
      NOTE the order: d, e, f. Hence "1_0.0" -> 10, but "1_.0" fails
      ("1_" ends with '_') and "1_0.0_0" fails ("10.00" is not JSONINT).
      ("1__0" fails, "_1" fails, "1_" fails, "1_2_3" -> 123.)
      Underscores are only checked for these three positional rules, anything
      else between them (e.g. "1_-2" -> "1-2") just fails in step 3.
   g. If neg, candidate = "-" + candidate.
      (pydantic also fails here if nothing at all was changed by a..f; that
      check is redundant, the unchanged string already failed step 1.)

3. Final parse of candidate: if candidate matches JSONINT and
   len(candidate) <= 4300 (the '-' counts) -> its value; otherwise
   ``int_parsing``. Note: an over-long number that only becomes a valid
   integer after clean-up gives ``int_parsing`` (NOT int_parsing_size), e.g.
   ' '+'1'*4301 and '+'+'1'*4301 and '1'*4300+'_1' are int_parsing, while
   '1'*4301+'.0' and '1'*4301+' ' are int_parsing_size (raw prefix > 4300,
   step 1a) and '1'*4300+'.0' and '1'*4300+' ' are OK.
   Leading zeros never count: '0'*10000 -> 0, '0'*10000+'7' -> 7,
   '0'*5000+'1'*4300 -> OK, '-'+'0'*5000+'1'*4300 -> OK ('-' + 4300 digits
   is 4301 characters > 4300 -> int_parsing). Trimmed whitespace, a leading
   '+', dropped leading zeros, '.000' suffixes and underscores never count
   in step 3, but the '-' does.

   Consequences worth remembering: no exponent ("1e3" fails), no hex/oct/bin
   prefixes ("0x10", "0o7", "0b1" fail), no non-ASCII digits, "" and
   whitespace-only fail, "-0" -> 0, "00" -> 0, "00.00" -> 0, "0." fails,
   ".0" fails, "-.0" fails, "1.01" fails (int_parsing, never int_from_float),
   "+0" -> 0, "-00" -> 0 (no negative zero in ints).

=============================================================================
ALGORITHM: float -> int   (Python float / JSON number that is not an integer)
=============================================================================
   1. NaN or +-inf                                -> ``finite_number``
   2. f has a non-zero fractional part (f % 1 != 0) -> ``int_from_float``
   3. -9223372036854775808.0 < f < 9223372036854775808.0  (strict on both
      sides: i64::MIN as f64 and i64::MAX as f64, which rounds to 2**63)
                                                  -> int(f) (exact; -0.0 -> 0)
      otherwise                                   -> ``int_parsing_size``
      So -2**63 exactly (-9.223372036854776e+18) is REJECTED, the largest
      accepted magnitude is 2**63-1024 = 9223372036854774784; 1e16 -> OK,
      1e19 -> int_parsing_size, 5e-324 -> int_from_float, 1.0 -> 1.

=============================================================================
Other kinds (int field)
=============================================================================
   int (any size, incl. huge, Python ints have no limit here) -> unchanged.
   bool: True -> 1, False -> 0 (accepted in lax mode).
   None, list, dict -> ``int_type``.
   str field (``s: str``) given int/float/bool/None/list/dict -> ``string_type``
   (no number->str coercion by default).
   Missing field -> ``missing``.
   (JSON side note: Python's json.loads itself raises ValueError for an
   integer literal with more than 4300 digits; that happens before
   validation.)
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys

from pydantic import BaseModel, ValidationError

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "CheckDomainTests", "Fixtures"))

LIMIT = 4300

# --------------------------------------------------------------------------
# pydantic side
# --------------------------------------------------------------------------


class M(BaseModel):
    i: int


class S(BaseModel):
    s: str


class L(BaseModel):
    l: list[int]


def pyd(value):
    """Return ('ok', int) or ('err', type, msg) from pydantic."""
    try:
        return ("ok", M(i=value).i)
    except ValidationError as e:
        errs = e.errors()
        assert len(errs) == 1, errs
        return ("err", errs[0]["type"], errs[0]["msg"])


# --------------------------------------------------------------------------
# the model (the algorithm from the docstring)
# --------------------------------------------------------------------------

# Unicode White_Space (== Rust char::is_whitespace, what str::trim removes)
WHITE_SPACE = frozenset(
    [chr(c) for c in range(0x09, 0x0E)]
    + [" ", "\u0085", "\u00a0", "\u1680"]
    + [chr(c) for c in range(0x2000, 0x200B)]
    + ["\u2028", "\u2029", "\u202f", "\u205f", "\u3000"]
)
assert len(WHITE_SPACE) == 25

ASCII_DIGITS = frozenset("0123456789")
NONZERO = frozenset("123456789")


def _is_jsonint(s: str) -> bool:
    """^-?(0|[1-9][0-9]*)$ over ASCII."""
    b = s[1:] if s.startswith("-") else s
    if not b:
        return False
    if b == "0":
        return True
    return b[0] in NONZERO and all(c in ASCII_DIGITS for c in b)


def _raw_prefix_len(s: str) -> int:
    """Length of the longest prefix matching -?[1-9][0-9]* (0 if none)."""
    i = 1 if s.startswith("-") else 0
    if i >= len(s) or s[i] not in NONZERO:
        return 0
    j = i + 1
    while j < len(s) and s[j] in ASCII_DIGITS:
        j += 1
    return j


def _trim(s: str) -> str:
    a, b = 0, len(s)
    while a < b and s[a] in WHITE_SPACE:
        a += 1
    while b > a and s[b - 1] in WHITE_SPACE:
        b -= 1
    return s[a:b]


def model_lax_int(s: str):
    """Return ('ok', int) or ('err', type) -- the documented algorithm."""
    if any(0xD800 <= ord(c) <= 0xDFFF for c in s):
        return ("err", "string_unicode")
    # step 1
    if _raw_prefix_len(s) > LIMIT:
        return ("err", "int_parsing_size")
    if _is_jsonint(s):
        return ("ok", int(s))
    fail = ("err", "int_parsing")
    # step 2a
    t = _trim(s)
    # 2b
    if t.startswith("+"):
        t = t[1:]
        if t.startswith("-"):
            return fail
    # 2c
    neg = False
    if t.startswith("-"):
        t = t[1:]
        if t.startswith("-") or t.startswith("+"):
            return fail
        neg = True
    # 2d
    if not t:
        return fail
    c0 = t[0]
    if c0 in NONZERO or c0 == "-":
        pass
    elif c0 == "0":
        for k in range(1, len(t)):
            c = t[k]
            if c in "0_":
                continue
            if c in NONZERO or c == "-":
                t = t[k:]
                break
            if c == ".":
                t = t[k - 1:]
                break
            return fail
        else:
            t = t[-1:]
    else:
        return fail
    # 2e
    k = t.find(".")
    if k >= 0:
        frac = t[k + 1:]
        if frac and all(c == "0" for c in frac):
            t = t[:k]
    # 2f
    if "_" in t and not t.startswith("_") and not t.endswith("_") and "__" not in t:
        t = t.replace("_", "")
    # 2g
    cand = ("-" + t) if neg else t
    # step 3
    if _is_jsonint(cand) and len(cand) <= LIMIT:
        return ("ok", int(cand))
    return fail


I64_MIN_F = -9223372036854775808.0
I64_MAX_F = 9223372036854775808.0  # i64::MAX as f64 rounds up to 2**63


def model_float_int(f: float):
    if math.isnan(f) or math.isinf(f):
        return ("err", "finite_number")
    if math.fmod(f, 1.0) != 0.0:
        return ("err", "int_from_float")
    if I64_MIN_F < f < I64_MAX_F:
        return ("ok", int(f))
    return ("err", "int_parsing_size")


def model_other(v):
    if isinstance(v, bool):
        return ("ok", int(v))
    if isinstance(v, int):
        return ("ok", v)
    if v is None or isinstance(v, (list, dict)):
        return ("err", "int_type")
    raise TypeError(v)


# --------------------------------------------------------------------------
# corpus
# --------------------------------------------------------------------------

# every White_Space char + near misses
NEAR_MISS_WS = ["\x1c", "\x1d", "\x1e", "\x1f", "\u180e", "\u200b", "\u200c",
                "\u200d", "\u2060", "\ufeff", "\x00", "\x7f", "\x08"]
ALL_WS = sorted(WHITE_SPACE)

NON_ASCII_DIGITS = ["\u0661", "\u0663", "\u06f3", "\u0967", "\uff11", "\uff15",
                    "\U0001d7d9", "\u00b2", "\u2155", "\u0e53", "\u1d7f"]


def handmade_corpus() -> list[str]:
    c: list[str] = []
    add = c.append
    base = ["0", "1", "7", "42", "-42", "+42", "123", "-0", "+0", "00", "-00",
            "+00", "000", "0.0", "00.00", "0.", ".0", "-.0", "+.0", ".", "-",
            "+", "", " ", "--1", "-+1", "+-1", "++1", "+ 1", "- 1", "1 ",
            " 1", " 1 ", "1.0", "1.00", "1.", "1.01", "1.10", "1.0.0",
            "1..0", "-1.0", "+1.0", "-0.0", "-00.0", "-0.00", "0.00", "00.",
            "01", "001", "-01", "+01", "0_42", "0_0", "0__0", "0_", "_0",
            "_1", "1_", "1__0", "1_0", "1_000", "1_000_000", "-1_000",
            "+1_000", "1_.0", "1._0", "1.0_", "1.0_0", "1_0.0", "1_0.0_0",
            "0_.0", "0_0.0", "00_.0", "0._0", "_1_", "__1", "1__", "-_1",
            "+_1", "-1_", "0-5", "+0-5", "-0-5", "00-5", "0_-5", "0_-_5",
            "0-_5", "0-5_0", "0-", "00-", "0-0", "0+5", "1-5", "1e3", "1E3",
            "1e0", "1e-0", "0e0", "1.0e0", "1e", "e1", "0x10", "0X10",
            "0o7", "0O7", "0b1", "0B1", "0x", "10e", "inf", "-inf",
            "Infinity", "-Infinity", "nan", "NaN", "-NaN", "I", "N",
            "None", "null", "true", "false", "one", "1a", "a1", "1,000",
            "1 000", "1'000", "1\u00a0000", "(1)", "1+", "1-", "0.1",
            "0.5", "-0.5", "9" * 18, "9" * 19, "9" * 20,
            "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "-9223372036854775809",
            "18446744073709551615", "18446744073709551616",
            "-18446744073709551616", "+9223372036854775808",
            "09223372036854775808", "9223372036854775807.0",
            "9223372036854775808.000", "-9223372036854775809.0",
            "9_223_372_036_854_775_808", "1" * 100, "-" + "1" * 100,
            "0" * 100, "0" * 100 + "1", "0_" * 50 + "1", "12_34_56",
            "١٢٣", "１２３", "1\u0663", "\u0663", "\u2212" + "1",
            "\uff0d1", "\ufe631", "\uff0b1"]
    for b in base:
        add(b)
    # whitespace of every kind, both sides, around various payloads
    payloads = ["1", "-1", "+1", "0", "00", "1.0", "1_0", "-0", "", "0_1",
                "12.00", "+", "-"]
    for w in ALL_WS + NEAR_MISS_WS:
        for p in payloads:
            add(w + p)
            add(p + w)
            add(w + p + w)
            add(w * 3 + p + w * 2)
        add("1" + w + "2")
        add("-" + w + "1")
        add("+" + w + "1")
        add("0" + w + "1")
        add("1." + w + "0")
        add(w)
        add(w * 2)
    # mixed whitespace runs
    add("".join(ALL_WS) + "123" + "".join(reversed(ALL_WS)))
    add("\t\n\r 42 \r\n\t")
    add("\u3000\u2000-7\u205f")
    # non-ASCII digits
    for d in NON_ASCII_DIGITS:
        add(d)
        add("1" + d)
        add(d + "1")
        add("-" + d)
        add("0" + d)
        add(d + ".0")
    # combinatorial: ws x sign x zeros x body x decimal x ws
    signs = ["", "+", "-", "--", "+-"]
    zeros = ["", "0", "00", "0_", "_0", "00_0"]
    bodies = ["", "0", "1", "10", "1_0", "1__0", "_1", "1_", "9_9_9", "-1"]
    decs = ["", ".", ".0", ".00", ".01", ".0_0", "e1", "_.0", ".0_"]
    for sg in signs:
        for z in zeros:
            for b in bodies:
                for d in decs:
                    add(sg + z + b + d)
                    if sg in ("", "-") and d in ("", ".0"):
                        add(" " + sg + z + b + d + "\u3000")
    return c


def long_corpus() -> list[str]:
    """Long strings around the 4300 limit (kept moderate in number)."""
    c = []
    for n in (4298, 4299, 4300, 4301, 4302, 5000):
        c.append("1" * n)
        c.append("-" + "1" * n)
        c.append("+" + "1" * n)
        c.append(" " + "1" * n)
        c.append("1" * n + " ")
        c.append("1" * n + ".0")
        c.append("1" * n + ".00")
        c.append("1" * n + ".")
        c.append("1" * n + "x")
        c.append("1" * n + "e5")
        c.append("0" + "1" * n)
        c.append("00" + "1" * n)
        c.append("-0" + "1" * n)
        c.append("1" * (n - 1) + "_1")
        c.append("1_" + "1" * (n - 1))
        c.append("9" * n)
    for n in (4299, 4300, 4301):
        c.append("-" + "9" * (n - 1))
        c.append(" -" + "9" * (n - 1))
        c.append("\u3000" + "9" * n + "\u3000")
        c.append("0" * 5000 + "1" * n)
        c.append("-" + "0" * 5000 + "1" * n)
        c.append("+" + "0" * 3000 + "1" * n)
        c.append("0_" * 2000 + "1" * n)
        c.append("1" * n + "." + "0" * 3000)
        c.append("0" * 3000 + "1" * n + "." + "0" * 3000)
        c.append(" " * 3000 + "1" * n + " " * 3000)
    c += ["0" * 4300, "0" * 4301, "0" * 10000, "0" * 10000 + "7",
          "-" + "0" * 10000, "0" * 10000 + ".0", "0" * 10000 + "_",
          "0." + "0" * 10000, "0." + "0" * 9999 + "1",
          " " * 10000, " " * 10000 + "5" + " " * 10000,
          "1" * 2150 + "_" + "1" * 2150, "1" * 2150 + "_" + "1" * 2151,
          "1" * 4000 + "x" + "1" * 1000, "1" * 4301 + "_",
          "1" * 4299 + "." + "0" * 5, "5" + "0" * 4299, "5" + "0" * 4300,
          "-5" + "0" * 4298, "-5" + "0" * 4299]
    return c


SMALL_ALPHABET = list("019+-._ \te")
EXT_ALPHABET = (SMALL_ALPHABET + list("2345678xobEIN,")
                + ["\u3000", "\u00a0", "\u2028", "\x0b", "\x1c", "\u200b", "\ufeff",
                   "\u0663", "\uff15", "\u0085", "\u1680", "\u180e"])


def rand_small(rng: random.Random) -> str:
    return "".join(rng.choice(SMALL_ALPHABET) for _ in range(rng.randint(0, 9)))


def rand_ext(rng: random.Random) -> str:
    return "".join(rng.choice(EXT_ALPHABET) for _ in range(rng.randint(0, 12)))


def rand_structured(rng: random.Random) -> str:
    ws = ["", "", " ", "\t", "\u3000", "\x1c", "\u200b", "\n "]
    parts = [rng.choice(ws),
             rng.choice(["", "", "", "+", "-", "--", "+-", "-+", "++", "- "]),
             rng.choice(["", "", "0", "00", "0_", "_", "0_0", "000", "0-"]),
             "".join(rng.choice("0123456789__") for _ in range(rng.randint(0, 25))),
             rng.choice(["", "", "", ".", ".0", ".00", "._0", ".0_0", ".5", "e2", "_", "0"]),
             rng.choice(ws)]
    return "".join(parts)


def rand_long(rng: random.Random) -> str:
    n = rng.randint(4290, 4310)
    body = rng.choice("123456789") + "".join(rng.choice("0123456789") for _ in range(n - 1))
    return (rng.choice(["", "", " ", "\u3000"]) + rng.choice(["", "", "-", "+"])
            + rng.choice(["", "", "0", "00", "0_"]) + body
            + rng.choice(["", "", ".0", ".", "x", "_1", " "]))


def random_corpus(n: int, seed: int, with_long: bool = True) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        r = i % 100
        if r < 40:
            out.append(rand_small(rng))
        elif r < 70:
            out.append(rand_ext(rng))
        elif r < 99:
            out.append(rand_structured(rng))
        elif with_long:
            out.append(rand_long(rng))
        else:
            out.append(rand_structured(rng))
    return out


def float_corpus() -> list[float]:
    fs = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, 0.1, 1e-300, -1e-300,
          5e-324, -5e-324, 2.2250738585072014e-308, 1e15, 1e16, 1e17, 1e18,
          1e19, -1e19, 1e20, 1e300, 1.7976931348623157e308,
          -1.7976931348623157e308, float("inf"), float("-inf"), float("nan"),
          -float("nan"), 4503599627370495.5, 4503599627370496.0,
          9007199254740992.0, 9007199254740993.0, 123456789.0, -123456789.0,
          3.0, 1e2, 100.25, -7.999999999999999, 0.9999999999999999]
    p63 = 2.0 ** 63
    for base in (p63, -p63):
        x = base
        for _ in range(4):
            fs.append(x)
            x = math.nextafter(x, 0.0)
        x = base
        for _ in range(3):
            x = math.nextafter(x, math.copysign(math.inf, base))
            fs.append(x)
    fs += [9223372036854774784.0, -9223372036854774784.0, 2.0 ** 64, -2.0 ** 64,
           2.0 ** 62, -2.0 ** 62, 2.0 ** 53 + 2, -(2.0 ** 53)]
    rng = random.Random(7)
    for _ in range(200):
        e = rng.randint(-20, 70)
        fs.append(rng.choice([1, -1]) * rng.random() * 2.0 ** e)
        fs.append(float(rng.choice([1, -1]) * rng.randint(0, 2 ** 64)))
    return fs


# --------------------------------------------------------------------------
# fixtures encoding
# --------------------------------------------------------------------------
LONG = 200


def rle_parts(s: str) -> list:
    """[[chunk, count], ...]: runs of one char get [c, n]; other text [text, 1]."""
    parts: list = []
    lit = []
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        if j - i >= 8:
            if lit:
                parts.append(["".join(lit), 1])
                lit = []
            parts.append([s[i], j - i])
        else:
            lit.append(s[i:j])
        i = j
    if lit:
        parts.append(["".join(lit), 1])
    assert "".join(c * n for c, n in parts) == s
    return parts


def encode_case(kind: str, inp: str, res) -> dict:
    d: dict = {"kind": kind}
    if len(inp) > LONG:
        d["input_parts"] = rle_parts(inp)
    else:
        d["input"] = inp
    if res[0] == "ok":
        d["ok"] = True
        v = str(res[1])
        if len(v) > LONG:
            d["value_parts"] = rle_parts(v)
        else:
            d["value"] = v
    else:
        d["ok"] = False
        d["error"] = res[1]
    return d


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------


def check(values, model, messages, label):
    mism = []
    for v in values:
        p = pyd(v)
        if p[0] == "err":
            messages.setdefault(p[1], p[2])
            p = p[:2]
        m = model(v)
        if p != m or (p[0] == "ok" and type(p[1]) is not int):
            mism.append((v, p, m))
    n = len(values)
    print(f"{label}: {n - len(mism)}/{n} agree", file=sys.stderr)
    for v, p, m in mism[:30]:
        print(f"   MISMATCH {v!r:.80}: pydantic={p!r:.80} model={m!r:.80}", file=sys.stderr)
    return n, len(mism)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--random", type=int, default=200_000)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()

    # sanity: WHITE_SPACE == Python isspace minus the \x1c..\x1f separators
    iss = {chr(c) for c in range(0x110000) if chr(c).isspace()}
    assert WHITE_SPACE == iss - {"\x1c", "\x1d", "\x1e", "\x1f"}, sorted(iss ^ WHITE_SPACE)

    messages: dict[str, str] = {}
    fixture_rng_strings = random_corpus(2500, seed=20240601, with_long=False)
    corpus = []
    seen = set()
    for s in handmade_corpus() + long_corpus() + fixture_rng_strings:
        if s not in seen:
            seen.add(s)
            corpus.append(s)

    total_bad = 0
    n1, b1 = check(corpus, model_lax_int, messages, "str corpus (fixture)")
    extra = random_corpus(args.random, seed=12345)
    n2, b2 = check(extra, model_lax_int, messages, f"str random ({args.random})")
    floats = float_corpus()
    n3, b3 = check(floats, model_float_int, messages, "float corpus")
    rng = random.Random(99)
    import struct
    rfloats = [struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0] for _ in range(20000)]
    rfloats += [float(rng.randint(-2 ** 64, 2 ** 64)) for _ in range(20000)]
    rfloats += [rng.randint(-10 ** 6, 10 ** 6) / rng.choice([1, 2, 4, 10, 1024]) for _ in range(20000)]
    n4, b4 = check(rfloats, model_float_int, messages, "float random (60000)")
    others = [True, False, None, [], [1], {}, {"a": 1}, 0, 1, -1, 2 ** 63, -2 ** 63 - 1,
              10 ** 4299, -(10 ** 4299), 2 ** 64]
    n5, b5 = check(others, model_other, messages, "other kinds")
    # lone surrogate (not representable in Swift String; documented only)
    n6, b6 = check(["\ud800", "1\udfff", " \ud83d1"], model_lax_int, messages, "lone surrogates")
    total_bad = b1 + b2 + b3 + b4 + b5 + b6

    # str field given non-str
    str_field = []
    for v in [1, 0, -5, 1.5, float("nan"), True, False, None, [], ["a"], {}, {"a": "b"}, 10 ** 30]:
        try:
            S(s=v)
            r = ("ok",)
        except ValidationError as e:
            er = e.errors()[0]
            messages.setdefault(er["type"], er["msg"])
            r = ("err", er["type"])
        if r != ("err", "string_type"):
            print(f"   str-field MISMATCH {v!r}: {r}", file=sys.stderr)
            total_bad += 1
        str_field.append((v, r))
    print(f"str field given non-str: {len(str_field)} checked, all string_type"
          if all(r == ("err", "string_type") for _, r in str_field) else "str field: MISMATCH",
          file=sys.stderr)

    # collect remaining messages
    def grab(fn):
        try:
            fn()
        except ValidationError as e:
            er = e.errors()[0]
            messages.setdefault(er["type"], er["msg"])
    grab(lambda: M())                                           # missing
    grab(lambda: L(l=5))                                         # list_type
    grab(lambda: M.model_validate(5, from_attributes=True))     # model_attributes_type
    grab(lambda: M.model_validate(5))                            # model_type

    if total_bad:
        print(f"FAILED: {total_bad} mismatches", file=sys.stderr)
        return 1
    print("ALL AGREE", file=sys.stderr)

    if args.no_write:
        return 0
    os.makedirs(FIXTURES, exist_ok=True)
    cases = []
    for s in corpus:
        cases.append(encode_case("str", s, model_lax_int(s)))
    for f in floats:
        cases.append(encode_case("float", repr(f), model_float_int(f)))
    path = os.path.join(FIXTURES, "lax_int_cases.json")
    with open(path, "w", encoding="ascii") as fh:
        fh.write("[\n")
        fh.write(",\n".join(json.dumps(c, ensure_ascii=True) for c in cases))
        fh.write("\n]\n")
    print(f"wrote {path}: {len(cases)} cases, {os.path.getsize(path)} bytes", file=sys.stderr)

    other = []
    for v in others:
        kind = ("bool" if isinstance(v, bool) else "int" if isinstance(v, int)
                else "null" if v is None else "list" if isinstance(v, list) else "dict")
        res = model_other(v)
        d = encode_case(kind, "", res)
        d.pop("input")
        d["input_json"] = json.dumps(v) if len(str(v)) <= LONG else None
        if d["input_json"] is None:
            d.pop("input_json")
            d["input_int_parts"] = rle_parts(str(v))
        d["field"] = "int"
        other.append(d)
    for v, r in str_field:
        if isinstance(v, float) and math.isnan(v):
            continue  # not JSON
        other.append({"kind": type(v).__name__ if v is not None else "null", "field": "str",
                      "input_json": json.dumps(v), "ok": False, "error": r[1]})
    path2 = os.path.join(FIXTURES, "lax_int_other_kinds.json")
    with open(path2, "w", encoding="ascii") as fh:
        json.dump(other, fh, ensure_ascii=True, indent=1)
        fh.write("\n")
    path3 = os.path.join(FIXTURES, "pydantic_error_messages.json")
    with open(path3, "w", encoding="ascii") as fh:
        json.dump(dict(sorted(messages.items())), fh, ensure_ascii=True, indent=1)
        fh.write("\n")
    print(f"wrote {path2}, {path3}", file=sys.stderr)
    for k, v in sorted(messages.items()):
        print(f"  {k}: {v!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
