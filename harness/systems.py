"""The systems bench.py runs, declared in harness/systems.toml (and user files of the same
form): load() reads and checks them, phases() groups them as bench.py's --phase does,
missing() names what a system needs and the machine lacks."""
import importlib.util
import os
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3"
DEFAULT = os.path.join(HERE, "systems.toml")
GROUPS = ("0", "1", "2", "3", "4", "5", "6", "peers", "user")
KEYS = {"name", "group", "command", "requires_python", "requires_files"}


class SystemsError(Exception):
    pass


def _expand(s, where):
    return s.format(python=PYTHON, root=ROOT, harness=HERE, dir=where)


def load_file(path):
    """The [[system]] tables of one file, placeholders expanded; SystemsError if malformed."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as e:
        raise SystemsError(f"{path}: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise SystemsError(f"{path}: not TOML: {e}") from None
    where = os.path.dirname(os.path.abspath(path))
    out = []
    tables = data.get("system")
    if not isinstance(tables, list) or not tables:
        raise SystemsError(f"{path}: no [[system]] table")
    for i, t in enumerate(tables):
        name = t.get("name")
        tag = f"{path}: system {name or i + 1}"
        if set(t) - KEYS:
            raise SystemsError(f"{tag}: unknown key(s) {sorted(set(t) - KEYS)}")
        if not isinstance(name, str) or not name or "," in name or not name.isprintable():
            raise SystemsError(f"{tag}: name must be a non-empty string without commas")
        if t.get("group") not in GROUPS:
            raise SystemsError(f"{tag}: group must be one of {list(GROUPS)}")
        cmd = t.get("command")
        if not isinstance(cmd, list) or not cmd or not all(isinstance(c, str) for c in cmd):
            raise SystemsError(f"{tag}: command must be a non-empty list of strings")
        for k in ("requires_python", "requires_files"):
            v = t.get(k, [])
            if not isinstance(v, list) or not all(isinstance(c, str) for c in v):
                raise SystemsError(f"{tag}: {k} must be a list of strings")
        try:
            out.append({"name": name, "group": t["group"],
                        "command": [_expand(c, where) for c in cmd],
                        "requires_python": list(t.get("requires_python", [])),
                        "requires_files": [_expand(c, where)
                                           for c in t.get("requires_files", [])],
                        "file": path})
        except (KeyError, IndexError, ValueError) as e:
            raise SystemsError(f"{tag}: bad placeholder {e} (use {{python}} {{root}} "
                               "{harness} {dir})") from None
    return out


def load(user_files=()):
    """Ours, then each user file's systems; a name declared twice is an error."""
    systems, seen = [], {}
    for path in [DEFAULT, *user_files]:
        for s in load_file(path):
            if s["name"] in seen:
                raise SystemsError(f"{path}: system {s['name']!r} already declared in "
                                   f"{seen[s['name']]}")
            seen[s["name"]] = path
            systems.append(s)
    return systems


def phases(systems):
    """group -> {name: command}, in declaration order (bench.py's PHASES)."""
    out = {}
    for s in systems:
        out.setdefault(s["group"], {})[s["name"]] = s["command"]
    return out


def missing(system):
    """What the system needs and this machine lacks, as messages (empty: all there)."""
    out = [f"Python module {m!r} not importable by {PYTHON}"
           for m in system["requires_python"] if importlib.util.find_spec(m) is None]
    out += [f"{f} missing" for f in system["requires_files"] if not os.path.exists(f)]
    return out
