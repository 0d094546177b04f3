#!/usr/bin/env python3
"""Checks that every #include in src/ stays within its layer's allowed folders.

The CMake libraries enforce the same table at compile time (each layer sees only the include
roots of what it links); this check also catches what linking cannot: a handler or page that
includes the store itself rather than only its records. Exit 1 with one line per violation.
"""
import pathlib
import re
import sys

# folder -> folders (or exact headers) its files may include, besides the standard/third-party ones.
RECORDS = {"store/rows.h", "store/federation_rows.h"}
BELOW_SERVICES = {"activitypub", "tlog", "net", "config", "crypto", "util"}
ALLOWED = {
    "util": {"util"},
    "crypto": {"crypto", "util"},
    "config": {"config", "crypto", "util"},
    "store": {"store", "util"},
    "net": {"net", "util"},
    "tlog": {"tlog", "crypto", "util"},
    "activitypub": {"activitypub", "crypto", "util"} | RECORDS,
    "services": {"services", "store"} | BELOW_SERVICES,
    "http": {"http", "util"},
    "api": {"api", "http", "services"} | BELOW_SERVICES | RECORDS,
    "web": {"web", "http", "services"} | BELOW_SERVICES | RECORDS,
    "app": {"app", "api", "web", "http", "services", "store"} | BELOW_SERVICES,
    "cli": {"cli", "app", "services", "store"} | BELOW_SERVICES,
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def main() -> int:
    src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "src")
    problems = []
    for path in sorted(src.rglob("*")):
        if path.suffix not in (".h", ".cpp") or path.parent == src:
            continue
        layer = path.relative_to(src).parts[0]
        allowed = ALLOWED.get(layer)
        if allowed is None:
            problems.append(f"{path}: folder '{layer}' is not a known layer")
            continue
        for target in INCLUDE.findall(path.read_text(encoding="utf-8")):
            folder = target.split("/", 1)[0]
            if target in allowed or folder in allowed:
                continue
            problems.append(f"{path}: layer '{layer}' may not include \"{target}\"")
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
