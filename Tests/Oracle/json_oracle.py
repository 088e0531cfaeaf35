#!/usr/bin/env python3
"""Oracle for request-body JSON parsing as done by FastAPI/Starlette on CPython 3.11.

Starlette's ``Request.json()`` is ``json.loads(body_bytes)``: ``json.detect_encoding``
picks utf-8 / utf-8-sig / utf-16(-le/-be) / utf-32(-le/-be), the bytes are decoded with
``errors='surrogatepass'`` and the C scanner (``_json``) parses the resulting ``str``.
FastAPI maps ``json.JSONDecodeError`` to 422 (``e.msg`` and ``e.pos``, a code-point
offset into the decoded str) and any other exception to 400.

This script builds a corpus of tricky bodies, runs ``json.loads`` on each, and writes
``Tests/CheckDomainTests/Fixtures/json_cases.json``: a JSON array (ASCII only) of

    {"label": ..., "body_b64": ..., "outcome": "ok", "canonical": ...}
    {"label": ..., "body_b64": ..., "outcome": "json_error", "msg": ..., "pos": ...}
    {"label": ..., "body_b64": ..., "outcome": "other_error", "exception": ...}

``canonical`` is ``json.dumps(obj, ensure_ascii=True, separators=(',', ':'),
allow_nan=True)``.  ``label`` is only a human-readable hint for failure messages.

Deep-nesting (RecursionError) bodies are deliberately kept out of the fixture (the
threshold depends on the caller's stack depth); ``--depth`` bisects it in a fresh
interpreter instead.

Usage:
    python3 json_oracle.py            # (re)write the fixture
    python3 json_oracle.py --depth    # report the RecursionError thresholds
    python3 json_oracle.py --force    # allow running on a Python other than 3.11
"""

import base64
import codecs
import collections
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.normpath(
    os.path.join(HERE, "..", "CheckDomainTests", "Fixtures", "json_cases.json"))

SEED = 20240611
BASE_BODY = (b'{"name": "c1", "members": [{"node_id": 1, "name": "m1", '
             b'"host": "172.16.70.101", "port": 5432}]}')
# A second seed body with multibyte characters, escapes, floats and literals so that
# code-point offsets differ from byte offsets after the first few characters.
UNICODE_BODY = ('{"name": "cé中😀\\u00e9\\ud83d\\ude00\\n", "members": [{"node_id": -1.5e3, '
                '"name": "m1", "tags": [true, false, null], "port": 5432}]}').encode("utf-8")

cases = []          # list of (label, bytes)
_seen = set()


def add(label, body):
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    assert isinstance(body, bytes)
    if body in _seen:
        return
    _seen.add(body)
    cases.append((label, body))


# ---------------------------------------------------------------------------
# Fragments: JSON "values" (mostly broken) that are embedded in several wrappers so that
# each error shows up at the start, nested in objects/arrays, after multibyte characters,
# after escapes, behind a BOM, at the very end of input and followed by more input.
# ---------------------------------------------------------------------------

LITERAL_FRAGMENTS = [
    "true", "false", "null", "tru", "nul", "fals", "t", "n", "f", "nulll", "truex",
    "True", "None", "NULL", "NaN", "nan", "-NaN", "NaNx", "Na", "Infinity", "-Infinity",
    "Infinit", "-Infinit", "Inf", "-Inf", "infinity", "+Infinity", "--Infinity", "-I",
    "-Infinity1", "Infinity-",
]

NUMBER_FRAGMENTS = [
    "0", "-0", "1", "-1", "01", "-01", "00", "0.0", "-0.0", "1.", "-1.", "1.e5", "1e", "1E",
    "1e+", "1e-", "1E5", "1e5", "1e+5", "1e-5", "1E+2", "1.5e", "1.5E-", "1.5e+3", ".5",
    "-.5", "-", "--1", "+1", "- 1", "1..2", "1.2.3", "0x10", "1_000", "1e5.5", "1e1e1",
    "0e0", "0E-0", "-0e-0", "1e400", "-1e400", "1e-400", "-1e-400", "5e-324", "2.5e-324",
    "2.4703282292062328e-324", "1.7976931348623157e308", "1.7976931348623159e308",
    "123456789012345678901234567890", "-123456789012345678901234567890",
    "9007199254740993", "18446744073709551616", "0.1", "0.30000000000000004", "1.0", "100",
    "100.0", "1e16", "1e15", "1e-4", "0.0001", "0.00001", "123456789.123456789e-3",
    "3.141592653589793238462643383279", "1E-7", "12345678901234567890.5",
    "\u0661", "\uff11", "1\u0661", "1.\uff11", "0-", "1-", "1+1", "1e5x", "-x", "-]", "-e5",
]

STRING_FRAGMENTS = [
    '""', '"abc"', '"\\""', '"\\\\"', '"\\/"', '"\\b\\f\\n\\r\\t"', '"\\x"', '"\\a"',
    "\"\\'\"", '"\\0"', '"\\ "', '"\\\u00e9"', '"\\u0041"', '"\\u00e9"', '"\\u00E9"',
    '"\\uD83D\\uDE00"', '"\\ud83d\\ude00"', '"\\ud800"', '"\\udc00"', '"\\udfff"',
    '"\\ud800\\u0041"', '"\\ud800\\ud800"', '"\\udc00\\ud800"', '"\\ud800\\udc00\\udc00"',
    '"\\ud800x"', '"\\ud800\\n"', '"\\ud800\\"', '"\\ud800\\', '"\\ud800\\u"',
    '"\\ud800\\u12"', '"\\ud800\\uZZZZ"', '"\\ud800\\udcZZ"', '"\\ud800\\udc0"',
    '"\\ud800\\udc00', '"\\ud800\\udc00x', '"\\u12"', '"\\u12', '"\\u"', '"\\u',
    '"\\u123"', '"\\u1234', '"\\u0041', '"\\u12345"', '"\\uGGGG"', '"\\u-123"',
    '"\\u 123"', '"\\u+123"', '"\\u0x12"', '"\\uX123"', '"\\U0041"', '"\\u00e"',
    '"abc', '"abc\\', '"abc\\"', '"', '"\\', '"\x00"', '"\x01"', '"a\x1f"', '"\t"',
    '"\n"', '"\r"', '"\x7f"', '"\u2028"', '"\u00a0"', '"\ufeff"', '"\\\x01"',
    '"\\u00\x01x"', '"abc\x00', '"é中😀"', '"é中😀\\x"', '"é中😀', '"😀\\u12"',
    '"\ud800"', '"\udc00"', '"\ud800\udc00"', '"a\ud800"x',
]

CONTAINER_FRAGMENTS = [
    "[]", "{}", "[ ]", "{ }", "[1,]", "[,]", "[,1]", "[1,,2]", "[1 2]", "[1:2]", "[",
    "[1", "[1,", "]", "}", "{", '{"a"', '{"a":', '{"a":1', '{"a":1,', '{"a"}', '{"a":}',
    '{"a" 1}', '{"a":1,}', "{,}", '{"a":1 "b":2}', '{"a":1;"b":2}', "{1:2}", "{'a':1}",
    "{a:1}", '{"a":1,"a":2}', '{"b":1,"a":2,"b":3}', "[1]]", "{}}", "[}", "{]",
    '{"a":[}', '{"a":{"b":[1,{"c":tru}]}}', '[[[[', '[[[]]]', '[{}, {"":""}]',
    '{"":0}', '{"\\u0000":1}', '{"\x01":1}', '{"\\x":1}', '{"a\\', '{"é":1 x}',
    "[\x0c1]", "[\xa01]", "[\u30001]", "[\x0b1]", "[1\x0c]", "{\x00}", '{"a"\x0c:1}',
    '{"a":\u20281}', "[\t1\r,\n2 ]", "[\"\\ud800\\udc00\",1 x]",
]

FRAGMENTS = LITERAL_FRAGMENTS + NUMBER_FRAGMENTS + STRING_FRAGMENTS + CONTAINER_FRAGMENTS

# (name, prefix, suffix)
WRAPPERS = [
    ("bare", "", ""),
    ("ws", " \t\r\n", "\n\r\t "),
    ("array", "[", "]"),
    ("object", '{"k":', "}"),
    ("multibyte", '{"é中😀":[1,"ü",', "]}"),
    ("nested", '[{"a":[', "]}]"),
    ("mid", '{"a":1,"b":[true,null,', '],"c":"x"}'),
    ("escapes", '["\\u00e9\\"\\\\\\ud83d\\ude00",', "]"),
    ("trailing", "", " 0"),
    ("astral", '["😀😀😀", ', ' ,"tail"]'),
]

# Encodings in which the (text) fragments are additionally sent.
ENCODINGS = [
    ("utf-8-bom", codecs.BOM_UTF8, "utf-8"),
    ("utf-16-le", b"", "utf-16-le"),
    ("utf-16-be-bom", codecs.BOM_UTF16_BE, "utf-16-be"),
    ("utf-32-le", b"", "utf-32-le"),
]


def build_fragment_cases():
    for frag in FRAGMENTS:
        for wname, pre, suf in WRAPPERS:
            add("frag/%s/%r" % (wname, frag), pre + frag + suf)
    for frag in FRAGMENTS:
        for ename, bom, enc in ENCODINGS:
            for wname, pre, suf in (WRAPPERS[0], WRAPPERS[9]):
                try:
                    body = bom + (pre + frag + suf).encode(enc, "surrogatepass")
                except UnicodeEncodeError:
                    continue
                add("enc/%s/%s/%r" % (ename, wname, frag), body)


# ---------------------------------------------------------------------------
# Whole-body cases
# ---------------------------------------------------------------------------

def build_body_cases():
    # Empty / whitespace-only bodies (FastAPI itself skips json.loads for an empty body).
    for b in [b"", b" ", b"\t", b"\r\n", b" \t\r\n ", b"\x0c", b"\x0b", b"\xc2\xa0",
              b"\xe3\x80\x80", b"\xe2\x80\xa8", b"\x00", b"\x00\x00", b"\x00\x00\x00",
              b"\x00\x00\x00\x00", b"  \x00"]:
        add("blank", b)

    # Whitespace: only space, tab, LF, CR count.
    for ws in [b" ", b"\t", b"\n", b"\r", b"\x0c", b"\x0b", b"\xc2\xa0", b"\x00",
               b"\xe2\x80\xa8", b"\xef\xbb\xbf", b"\xe3\x80\x80", b"\xc2\x85"]:
        add("ws/lead", ws + b"1")
        add("ws/trail", b"1" + ws)
        add("ws/lead-obj", ws + b'{"a":1}')
        add("ws/trail-obj", b'{"a":1}' + ws)
        add("ws/in-array", b"[" + ws + b"1" + ws + b"," + ws + b"2" + ws + b"]")
        add("ws/in-object", b"{" + ws + b'"a"' + ws + b":" + ws + b"1" + ws + b"}")
        add("ws/before-extra", b"1" + ws + b"x")

    # Extra data.
    for s in ["1 2", "{} {}", "[]x", '"a""b"', "1\n\n  x", "[1]]", "{}}", "nullnull",
              "truefalse", "1.5.5", "0 0", "-0-0", "NaN NaN", "[] \x00", "1\u2028",
              '{"a":1}\n{"a":2}', '"é中😀" é', "1e5e5", "1 ,", "1,2", "[1],[2]"]:
        add("extra", s)

    # Valid documents with interesting semantics.
    for s in [
        '{"a":1,"b":2,"a":3}', '{"b":1,"a":2}', '{"a":{"x":1},"a":[2]}',
        '{"":1,"":2}', '{"a":1,"A":2,"\\u0061":3}', '{"\\ud800":1,"\\udc00":2}',
        '[1,1.0,1e0,-0,-0.0,0.0,1E2,1e-5,1e16,1e15,5e-324,1e400,-1e400,1e-400,-1e-400]',
        '[NaN,Infinity,-Infinity]', '{"n":NaN}', '[true,false,null]',
        '"\\ud800\\udc00"', '"\\udbff\\udfff"', '"\\ud7ff\\ue000"', '"\\u0000"',
        '"\\"\\\\\\/\\b\\f\\n\\r\\t"', '"é中😀"', '{"é":"中","😀":"\\u00e9"}',
        '[0.1,0.2,0.30000000000000004,1.7976931348623157e308,2.2250738585072014e-308]',
        '[123456789012345678901234567890,-9223372036854775809,18446744073709551616]',
        '[9007199254740993,9007199254740993.0,1e23,8.98846567431158e307]',
        "[" * 100 + "]" * 100, '{"a":' * 100 + "1" + "}" * 100,
        '{"name": "c1", "members": [{"node_id": 1, "name": "m1", "host": "172.16.70.101", '
        '"port": 5432}], "name": "c2"}',
    ]:
        add("valid", s)

    # Pitfalls for a Swift port: keys compare by code points (no canonical equivalence),
    # offsets count Unicode scalars (CRLF, combining marks, flags, ZWJ sequences are
    # several scalars but one Swift Character).
    for s in [
        '{"\u00e9":1,"e\u0301":2}', '{"\\u00e9":1,"e\\u0301":2,"\u00e9":3}',
        '{"\u00c5":1,"\u212b":2}', '{"\ufb01":1,"fi":2}', '{"a":1,"a\u200b":2}',
        '"e\u0301"x', '["e\u0301\u0301", x]', '"\U0001F1EB\U0001F1F7" x',
        '["\U0001F468\u200d\U0001F469\u200d\U0001F467", x]', '[1,\r\nx]', '[1\r\n,\r\n]',
        '{"a":1\r\n"b":2}', '\r\n\r\n1\r\n\r\nx', '["\r\n"]', '"\u00e9\r\n',
        '{"k\u0301":tru}', '"\ufeff"x', '[\u0301]',
    ]:
        add("swift-pitfall", s)

    # Huge integers: the 4300-digit limit raises ValueError (-> 400), not JSONDecodeError.
    d4300 = "1" + "0" * 4299
    d4301 = "1" + "0" * 4300
    add("bigint/4300", d4300)
    add("bigint/4301", d4301)
    add("bigint/-4300", "-" + d4300)
    add("bigint/-4301", "-" + d4301)
    add("bigint/[4301]", "[" + d4301 + "]")
    add("bigint/4301-then-syntax-error", '{"a":' + d4301 + ",}")
    add("bigint/syntax-error-then-4301", "[x," + d4301 + "]")
    add("bigint/4301-then-invalid-utf8", b"[" + d4301.encode() + b',"\x80"]')
    add("bigint/4300-float", d4301 + ".5")
    add("bigint/4301e0", d4301 + "e0")
    add("bigint/4301-extra", d4300 + "1x")
    add("bigint/4300.0", d4300 + ".0")
    add("bigint/4300-extra-dot", d4300 + ".")
    add("bigint/4300-e-backtrack", d4300 + "e")

    # BOMs and encodings.
    doc = '{"a":[1,"é中😀",null]}'
    for enc in ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32",
                "utf-32-le", "utf-32-be"]:
        add("encoding/" + enc, doc.encode(enc))
        add("encoding/scalar/" + enc, "1".encode(enc))
        add("encoding/str/" + enc, '"x"'.encode(enc))
        add("encoding/extra-after-astral/" + enc, '["😀",1] x'.encode(enc))
        add("encoding/error-after-astral/" + enc, '[1,"😀",x]'.encode(enc))
    for bom in [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE]:
        enc = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
        add("bom16/double", bom + bom + "1".encode(enc))
        add("bom16/only", bom)
        add("bom16/odd", bom + "1".encode(enc) + b"\x00")
        add("bom16/lone-high", bom + '"\ud800"'.encode(enc, "surrogatepass"))
        add("bom16/lone-low", bom + '"\udc00"'.encode(enc, "surrogatepass"))
        add("bom16/reversed-pair", bom + '"\udc00\ud800"'.encode(enc, "surrogatepass"))
        add("bom16/pair", bom + '"😀"x'.encode(enc))
        add("bom16/wrong-endian", bom + "[1]".encode(
            "utf-16-be" if enc == "utf-16-le" else "utf-16-le"))
        add("bom16/nul-first-char", bom + "\x00[1]".encode(enc))
    for b in [codecs.BOM_UTF8, codecs.BOM_UTF8[:2], codecs.BOM_UTF8[:1],
              codecs.BOM_UTF8 * 2 + b"1", codecs.BOM_UTF8 + b" 1", codecs.BOM_UTF8 + b"\x00",
              codecs.BOM_UTF8 + b'"\xed\xa0\x80"', codecs.BOM_UTF8 + b"\x80",
              codecs.BOM_UTF8 + b"1\x00\x00\x00", b" " + codecs.BOM_UTF8 + b"1",
              codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF32_LE + b"1",
              codecs.BOM_UTF32_LE + "1".encode("utf-32-le"),
              codecs.BOM_UTF32_BE + "[1]".encode("utf-32-be"),
              codecs.BOM_UTF32_LE + "1".encode("utf-32-be"),
              codecs.BOM_UTF32_LE + '"\ud800"'.encode("utf-32-le", "surrogatepass"),
              b"\xff\xfe\x00\x00" + "[1]".encode("utf-16-le"),
              b"\xff\xfe\x00\xd8", b"\xfe\xff\xd8\x00", b"\xff\xfe1", b"\xfe\xff\x00"]:
        add("bom", b)

    # detect_encoding without BOM: NUL bytes in the first four bytes / two-byte bodies.
    for b in [b"\x001", b"1\x00", b"\x00\x00", b"\x00", b"1\x00\x00", b"1\x00\x00\x00",
              b"1\x00\x00\x001", b"1\x00 \x00", b"1\x00\x00 ", b"\x00\x00\x001",
              b"\x00\x00\x00\x31\x00\x00\x00\x20", b"\x001\x00", b"\x00\x00\x00",
              b"[\x00]", b"{\x00\"a\":1}", b"[1]\x00", b'"a"\x00', b"\x00[1]", b"\x00\x00[1]",
              b"\x00\x00\x00[1]", b"[\x00\x00\x00", b"[\x00\x00\x001\x00\x00\x00]\x00\x00\x00",
              b"[\x001\x00]", b"[\x001\x00]\x00", b"\x00[\x001\x00]", b"12\x00\x00",
              b"1 \x00", b" \x00", b"\x00 ", b"\x00\x00\x00\x00\x00\x00\x00\x00",
              b"\x00\x00\x00\x00\x00\x11\x00\x00", b"\x00\x00\xd8\x00", b"\x00\xd8\x00\x00",
              b"\x00\x00\x00\x00", b"a\x00b\x00", b"\x00a\x00b", b"1\x002\x003\x00",
              b"\x001\x002\x003", b"{\x00}\x00", b"{\x00}", b"\x00{\x00}"]:
        add("nul4", b)

    # Invalid / unusual UTF-8 (decoded with surrogatepass).
    for raw in [b"\x80", b"\xbf", b"\xc0\xaf", b"\xc1\xbf", b"\xe0\x80\xaf", b"\xf0\x80\x80\xaf",
                b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xed\xb0\x80", b"\xed\xa0\x80\xed\xb0\x80",
                b"\xed\xa0", b"\xed", b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80",
                b"\xf8\x88\x80\x80\x80", b"\xfc\x84\x80\x80\x80\x80", b"\xfe", b"\xff",
                b"\xc3", b"\xe4\xb8", b"\xf0\x9f\x98", b"\xc3\x28", b"\xe2\x28\xa1",
                b"\xf0\x28\x8c\xbc", b"\xef\xbf\xbf", b"\xf4\x8f\xbf\xbf", b"\xc2\x80"]:
        add("utf8/in-string", b'"' + raw + b'"')
        add("utf8/in-string-then-extra", b'"' + raw + b'"x')
        add("utf8/bare", raw)
        add("utf8/after-error", b"[x," + b'"' + raw + b'"]')
        add("utf8/truncated-at-end", b'["a",' + raw)
        add("utf8/key", b'{"' + raw + b'":1,}')
    # Surrogates encoded in UTF-8 count as code points of their own (not combined).
    add("utf8/cesu-pair-then-extra", b'"\xed\xa0\x80\xed\xb0\x80"x')
    add("utf8/astral-then-extra", b'"\xf0\x90\x80\x80"x')
    add("utf8/cesu-pair-escape-mix", b'["\xed\xa0\x80\\udc00", "\\ud800\xed\xb0\x80", x]')

    # Odd-length / truncated UTF-16 and invalid UTF-32.
    for b in ['{"a":1}'.encode("utf-16-le")[:-1], '{"a":1}'.encode("utf-16-be")[:-1],
              '"😀"'.encode("utf-16-le")[:-3], '"😀"'.encode("utf-16-le")[:-2],
              "[1]".encode("utf-32-le")[:-1], "[1]".encode("utf-32-be")[:-2],
              "[1]".encode("utf-16")[:-1], "[1]".encode("utf-32")[:-3],
              b'"\x00\x00\x00\x00\x00\x11\x00"\x00\x00\x00',
              b'\x00\x00\x00"\x00\x11\x00\x00\x00\x00\x00"',
              b'"\x00\x00\x00\x00\xd8\x00\x00"\x00\x00\x00',
              b'"\x00\x00\x00\x00\xd8\x00\x00\x00\xdc\x00\x00"\x00\x00\x00',
              b'\x00\x00\x00"\x00\x00\xd8\x00\x00\x00\xdc\x00\x00\x00\x00"x\x00\x00\x00',
              b'"\x00\x00\xd8"\x00', b'\x00"\xd8\x00\x00"', b'"\x00\x00\xdc"\x00',
              b'"\x00\x00\xd8\x00\xdc"\x00x\x00', b'"\x00\x00\xdc\x00\xd8"\x00x\x00']:
        add("utf16-32", b)

    # Every truncation of the two seed bodies.
    for seed in (BASE_BODY, UNICODE_BODY):
        for i in range(len(seed)):
            add("truncate/%d" % i, seed[:i])
        add("seed", seed)


# ---------------------------------------------------------------------------
# Random mutations (fixed seed)
# ---------------------------------------------------------------------------

INSERT_TOKENS = ([c.encode() for c in '{}[]",:\\ '] +
                 [c.encode() for c in "0123456789"] +
                 [c.encode() for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"] +
                 ["é".encode(), "中".encode(), b"\x00", b"\x1f"])
# Rarely: a lone byte of a multibyte sequence (gives invalid UTF-8).
RAW_TOKENS = [b"\xc3", b"\xa9", b"\xe4", b"\xb8\xad", b"\xed\xa0\x80", b"\xff"]


def mutate(rng, body):
    b = bytearray(body)
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        op = rng.random()
        if op < 0.35 and b:                       # delete 1..3 bytes
            i = rng.randrange(len(b))
            del b[i:i + rng.choice((1, 1, 1, 2, 3))]
        elif op < 0.75:                           # insert a token
            i = rng.randrange(len(b) + 1)
            tok = rng.choice(RAW_TOKENS) if rng.random() < 0.03 else rng.choice(INSERT_TOKENS)
            b[i:i] = tok
        elif op < 0.9 and b:                      # replace a byte by a token
            i = rng.randrange(len(b))
            b[i:i + 1] = rng.choice(INSERT_TOKENS)
        elif b:                                   # truncate
            del b[rng.randrange(len(b)):]
    return bytes(b)


def build_random_cases():
    rng = random.Random(SEED)
    for i in range(2600):
        add("random/base/%d" % i, mutate(rng, BASE_BODY))
    for i in range(700):
        add("random/unicode/%d" % i, mutate(rng, UNICODE_BODY))
    # Some mutants re-encoded as UTF-16/UTF-32 (only the ones that are valid UTF-8).
    encs = ["utf-16-le", "utf-16-be", "utf-16", "utf-32-le", "utf-32-be"]
    n = 0
    while n < 300:
        m = mutate(rng, rng.choice((BASE_BODY, UNICODE_BODY)))
        try:
            text = m.decode("utf-8")
        except UnicodeDecodeError:
            continue
        enc = rng.choice(encs)
        add("random/%s/%d" % (enc, n), text.encode(enc))
        n += 1


# ---------------------------------------------------------------------------

def run_case(body):
    try:
        obj = json.loads(body)
    except json.JSONDecodeError as e:
        return {"outcome": "json_error", "msg": e.msg, "pos": e.pos}
    except RecursionError:
        raise AssertionError("RecursionError case must not be in the fixture")
    except Exception as e:  # FastAPI: any other exception -> 400
        return {"outcome": "other_error", "exception": type(e).__name__}
    canonical = json.dumps(obj, ensure_ascii=True, separators=(",", ":"), allow_nan=True)
    return {"outcome": "ok", "canonical": canonical}


DEPTH_CHILD = r"""
import json, sys
b = sys.stdin.buffer.read()
try:
    json.loads(b)
    print("ok")
except RecursionError:
    print("rec")
except Exception as e:
    print("other " + type(e).__name__)
"""


def depth_body(kind, n):
    if kind == "array":
        return b"[" * n + b"]" * n
    if kind == "object":
        return b'{"a":' * n + b"1" + b"}" * n
    if kind == "array-unclosed":
        return b"[" * n
    if kind == "mixed":
        return b'[{"a":' * (n // 2) + b"[" * (n % 2) + b"1" + b"]" * (n % 2) + b"}]" * (n // 2)
    raise ValueError(kind)


def depth_report():
    def run(kind, n):
        out = subprocess.run([sys.executable, "-c", DEPTH_CHILD], input=depth_body(kind, n),
                             capture_output=True, check=True).stdout.decode().strip()
        return out
    for kind in ("array", "object", "mixed", "array-unclosed"):
        lo, hi = 1, 20000
        assert run(kind, hi) == "rec"
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if run(kind, mid) == "rec":
                hi = mid
            else:
                lo = mid
        print("%-15s depth %d -> %s; depth %d -> RecursionError (fresh interpreter, "
              "recursionlimit %d)" % (kind, lo, run(kind, lo), hi, sys.getrecursionlimit()))


def main(argv):
    if "--depth" in argv:
        depth_report()
        return 0
    if sys.version_info[:2] != (3, 11) and "--force" not in argv:
        print("This oracle must run on CPython 3.11 (found %s); use --force to override."
              % sys.version.split()[0], file=sys.stderr)
        return 2
    if json.scanner.make_scanner is not json.scanner.c_make_scanner or \
            json.decoder.scanstring is not json.decoder.c_scanstring:
        print("The C accelerated json scanner is not in use.", file=sys.stderr)
        return 2

    build_fragment_cases()
    build_body_cases()
    build_random_cases()

    out = []
    stats = collections.Counter()
    msgs = collections.Counter()
    for label, body in cases:
        res = run_case(body)
        entry = {"label": label, "body_b64": base64.b64encode(body).decode("ascii")}
        entry.update(res)
        out.append(entry)
        stats[res["outcome"]] += 1
        msgs[res.get("msg") or res.get("exception") or "ok"] += 1

    os.makedirs(os.path.dirname(FIXTURE), exist_ok=True)
    text = "[\n" + ",\n".join(
        json.dumps(e, ensure_ascii=True, separators=(",", ":")) for e in out) + "\n]\n"
    with open(FIXTURE, "w", encoding="ascii", newline="\n") as f:
        f.write(text)

    print("wrote %s: %d cases, %d bytes" % (FIXTURE, len(out), len(text)))
    for k in ("ok", "json_error", "other_error"):
        print("  %-12s %d" % (k, stats[k]))
    for k, v in sorted(msgs.items(), key=lambda kv: -kv[1]):
        print("    %-55s %d" % (k, v))
    return 0


if __name__ == "__main__":
    import json.decoder  # noqa: E402  (explicit, for the accelerator check)
    import json.scanner  # noqa: E402
    sys.exit(main(sys.argv[1:]))
