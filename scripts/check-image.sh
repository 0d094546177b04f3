#!/usr/bin/env bash
# Builds the container image from the repository's Dockerfile with podman and checks it:
#   1. base: uses debian:bookworm and debian:bookworm-slim when they are in podman's local
#      storage; otherwise makes one with `debootstrap --variant=minbase bookworm` from the Debian
#      mirror apt is configured with, keeps it as build/image/debian-bookworm-minbase.tar (later
#      runs import that instead of bootstrapping again) and tags it under both names;
#   2. `podman build --isolation=chroot --network=host` of the unchanged Dockerfile (RUN steps
#      in a chroot: this works where containers cannot be started, e.g. cgroups v1/hybrid);
#   3. mounts the image's root filesystem (a created, never started, container) and runs the
#      image's ENTRYPOINT there with chroot as the image's USER, which must be uid 10001, with
#      the image's ENV: setup-keys, then serve with the JWT key in /run/secrets/jwt_secret;
#      /health is 200 (also through the image's own curl, as its HEALTHCHECK does), a
#      registration and /auth/me work, keys and database are in /data owned by 10001, the token
#      is signed with the secret file's key and no jwt_secret was generated;
#   4. compares the image with its base: every added package must be a runtime dependency of
#      the binary (the packages of the libraries it loads, their dependencies, and curl +
#      ca-certificates for HEALTHCHECK and TLS), and every added file must belong to one of
#      those packages or be /usr/local/bin/artdag-l2, /data, or the bookkeeping files that
#      package installation and `useradd` write.
# Before that, the compose files: `docker-compose config` of docker-compose.yml and
# deploy/stack.yml (parsed and validated, no daemon needed), and what the scale-out stack must
# say (2+ replicas, one PostgreSQL, /data shared, external jwt_secret, health checks).
# Where podman cannot run at all (not installed, not root, storage unusable) it says so in one
# line and exits 0. ARTDAG_SKIP_IMAGE=1 skips it on purpose. Logs: build/image/.
#   scripts/check-image.sh            build + check (image tagged artdag-l2:latest)
#   scripts/check-image.sh --keep     leave the mounted container for inspection
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$root/build/image
image=artdag-l2:latest
keep=0
for arg in "$@"; do
  case "$arg" in
    --keep) keep=1 ;;
    *) echo "check-image: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf 'check-image: %s\n' "$*"; }
skip() { say "SKIPPED: $*"; exit 0; }
# fail MESSAGE [LOG]: the message, the end of the log, exit 1.
fail() {
  say "FAILED: $1" >&2
  if [ -n "${2:-}" ] && [ -s "$2" ]; then
    echo "---- last lines of $2 ----" >&2
    tail -n 60 "$2" >&2
    echo "----" >&2
  fi
  exit 1
}
elapsed() { echo "$(( $(date +%s) - $1 ))s"; }

mkdir -p "$out"

# ---- 0. compose files (no daemon needed: `docker-compose config` only parses and validates) --
if command -v docker-compose >/dev/null; then
  for f in docker-compose.yml deploy/stack.yml; do
    docker-compose -f "$f" config >"$out/$(basename "$f" .yml).config.yml" 2>"$out/compose.log" ||
      fail "docker-compose config of $f" "$out/compose.log"
  done
  # What the scale-out stack must say, read from the normalised configuration.
  python3 - "$out/stack.config.yml" "$out/docker-compose.config.yml" <<'EOF' || fail "deploy/stack.yml does not describe the scale-out deployment"
import sys, yaml
stack, single = (yaml.safe_load(open(p)) for p in sys.argv[1:3])
l2, problems = stack["services"]["l2"], []
def check(ok, what):
    if not ok:
        problems.append(what)
def has_secret(service, name):
    return any((s if isinstance(s, str) else s.get("source")) == name for s in service.get("secrets", []))
def mounts_data(service):
    return any((isinstance(v, str) and v.split(":")[1:2] == ["/data"])
               or (isinstance(v, dict) and v.get("target") == "/data") for v in service.get("volumes", []))
check(l2.get("deploy", {}).get("replicas", 1) >= 2, "l2 has fewer than 2 replicas")
check(stack["services"]["postgres"].get("deploy", {}).get("replicas", 1) == 1, "not one PostgreSQL")
check("@postgres:" in l2.get("environment", {}).get("DATABASE_URL", ""), "l2's DATABASE_URL is not the postgres service")
check(has_secret(l2, "jwt_secret"), "l2 lacks the jwt_secret secret")
check(stack.get("secrets", {}).get("jwt_secret", {}).get("external") is True, "jwt_secret is not external")
check(mounts_data(l2), "no shared volume at /data (keys)")
check("/health" in " ".join(l2.get("healthcheck", {}).get("test", [])), "l2 has no health check on /health")
check("healthcheck" in stack["services"]["postgres"], "postgres has no health check")
check(has_secret(single["services"]["l2"], "jwt_secret"), "docker-compose.yml: l2 lacks the jwt_secret secret")
check(mounts_data(single["services"]["l2"]), "docker-compose.yml: no volume at /data")
for p in problems:
    print("  " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
  say "compose: docker-compose.yml and deploy/stack.yml valid (docker-compose config); the stack: 2+ replicas on one PostgreSQL, /data shared, jwt_secret external, health checks"
else
  say "compose: not checked (docker-compose is not installed; scripts/install-deps.sh --test installs it)"
fi

[ "${ARTDAG_SKIP_IMAGE:-0}" = 1 ] && skip "ARTDAG_SKIP_IMAGE=1"
command -v podman >/dev/null || skip "podman is not installed (scripts/install-deps.sh --test installs it)"
[ "$(id -u)" -eq 0 ] || skip "needs root (chroot into the image's root filesystem as uid 10001)"
for tool in chroot unshare curl python3; do
  command -v "$tool" >/dev/null || skip "$tool is missing"
done
podman info >"$out/podman-info.log" 2>&1 || skip "podman cannot run here (see $out/podman-info.log)"

t_all=$(date +%s)

# ---- 1. base image ------------------------------------------------------------------------
# The Debian mirror apt uses for bookworm, read from the apt configuration at run time.
debian_mirror() {
  local m
  m=$(apt-cache policy 2>/dev/null |
      awk '$3 == "bookworm/main" && $2 ~ /^(https?|file):/ { print $2; exit }')
  if [ -z "$m" ]; then  # one-line format
    m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                           if ($(i + 1) == "bookworm") { print $i; exit } }')
  fi
  if [ -z "$m" ]; then  # deb822 format (sources.list.d/*.sources)
    m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
        awk 'BEGIN { RS = "" } {
               uri = ""; ok = 0; insuites = 0
               for (i = 1; i <= NF; i++) {
                 if ($i ~ /:$/) insuites = ($i == "Suites:")
                 else if (insuites && $i == "bookworm") ok = 1
                 if ($i == "URIs:") uri = $(i + 1)
               }
               if (ok && uri != "") { print uri; exit }
             }')
  fi
  printf '%s' "$m"
}

if podman image exists debian:bookworm && podman image exists debian:bookworm-slim; then
  say "base: debian:bookworm and debian:bookworm-slim found in podman's storage"
else
  tarball=$out/debian-bookworm-minbase.tar
  if [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null ||
      skip "no debian:bookworm image and no debootstrap to make one (scripts/install-deps.sh --test)"
    mirror=$(debian_mirror)
    [ -n "$mirror" ] || skip "no debian:bookworm image and no Debian bookworm mirror in the apt configuration"
    t=$(date +%s)
    say "base: debootstrap --variant=minbase bookworm from $mirror (once; cached in $tarball)"
    rootfs=$out/rootfs.tmp
    rm -rf "$rootfs"
    nice -n 19 debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$out/debootstrap.log" 2>&1 ||
      { rm -rf "$rootfs"; fail "debootstrap" "$out/debootstrap.log"; }
    # As the official images are: no package lists or downloaded .debs, no host files.
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
           "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/bootstrap.log
    : >"$rootfs/etc/resolv.conf"
    echo localhost >"$rootfs/etc/hostname"
    tar --numeric-owner --xattrs -C "$rootfs" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$rootfs"
    say "base: made in $(elapsed "$t")"
  fi
  podman import --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$tarball" artdag-base:bookworm-minbase >"$out/import.log" 2>&1 || fail "podman import" "$out/import.log"
  for name in debian:bookworm debian:bookworm-slim; do  # only the names that are missing
    podman image exists "$name" || podman tag artdag-base:bookworm-minbase "$name"
  done
  say "base: imported $tarball as debian:bookworm and debian:bookworm-slim where missing"
fi

# ---- 2. build ----------------------------------------------------------------------------
t=$(date +%s)
say "build: podman build of Dockerfile (log: $out/build.log)"
build_args=(--isolation=chroot --network=host --pull=never --layers)
nice -n 19 podman build "${build_args[@]}" -t "$image" -f Dockerfile . >"$out/build.log" 2>&1 ||
  fail "podman build" "$out/build.log"
# Keep the build stage's layers tagged, so that a rebuild with unchanged sources is cached,
# then drop the layers of earlier builds that nothing refers to any more.
nice -n 19 podman build "${build_args[@]}" --target build -t artdag-l2-build:cache -f Dockerfile . \
  >>"$out/build.log" 2>&1 || fail "podman build --target build" "$out/build.log"
podman image prune -f >/dev/null 2>&1 || true
size=$(podman image inspect --format '{{.Size}}' "$image")
say "build: $image, $(( size / 1000000 )) MB, in $(elapsed "$t")"

# ---- 3. run the binary from the image's root filesystem ----------------------------------
t=$(date +%s)
ctr=artdag-l2-check-$$
mnt=""
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ "$keep" = 1 ] && [ -n "$mnt" ]; then
    say "kept container $ctr mounted at $mnt (podman umount $ctr && podman rm $ctr)"
  else
    podman umount "$ctr" >/dev/null 2>&1 || true
    podman rm -f "$ctr" >/dev/null 2>&1 || true
  fi
  podman image umount debian:bookworm-slim >/dev/null 2>&1 || true
}
trap cleanup EXIT
podman create --name "$ctr" "$image" >/dev/null
mnt=$(podman mount "$ctr")

# What the image declares: ENTRYPOINT, USER, ENV.
entrypoint=$(podman image inspect --format '{{range .Config.Entrypoint}}{{.}} {{end}}' "$image")
user=$(podman image inspect --format '{{.Config.User}}' "$image")
mapfile -t image_env < <(podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$image" | sed '/^$/d')
# shellcheck disable=SC2206
entrypoint=($entrypoint)
[ "${entrypoint[0]:-}" = /usr/local/bin/artdag-l2 ] || fail "ENTRYPOINT is '${entrypoint[*]}', not /usr/local/bin/artdag-l2"
uid=$(awk -F: -v u="$user" '$1 == u || $3 == u { print $3; exit }' "$mnt/etc/passwd")
gid=$(awk -F: -v u="$user" '$1 == u || $3 == u { print $4; exit }' "$mnt/etc/passwd")
[ "$uid" = 10001 ] || fail "the image's USER '$user' has uid '${uid}', not 10001"
printf '%s\n' "${image_env[@]}" | grep -qx 'ARTDAG_DATA=/data' || fail "the image does not set ARTDAG_DATA=/data"
[ "$(stat -c %u "$mnt/data")" = 10001 ] || fail "/data is not owned by uid 10001"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
# in_image CMD...: CMD inside the image's root filesystem as uid 10001 with the image's ENV
# only (plus the test's address), /dev and /proc bound in a private mount namespace.
in_image() {
  unshare --mount --propagation private -- sh -c '
    m=$1; shift
    mount --rbind /dev "$m/dev" && mount -t proc proc "$m/proc" || exit 97
    exec "$@"' sh "$mnt" \
    chroot --userspec="$uid:$gid" "$mnt" \
    env -i "${image_env[@]}" HOME=/data HOST=127.0.0.1 PORT="$port" ARTDAG_BASE_URL="$base" "$@"
}

in_image "${entrypoint[@]}" setup-keys >"$out/setup-keys.log" 2>&1 || fail "setup-keys in the image" "$out/setup-keys.log"
key=$(find "$mnt/data/keys" -name '*.pem' -type f 2>/dev/null | head -n 1)
[ -n "$key" ] || fail "setup-keys wrote no key into /data/keys" "$out/setup-keys.log"
[ "$(stat -c '%u %a' "$key")" = "10001 600" ] || fail "key ${key#"$mnt"} is $(stat -c '%u %a' "$key"), not uid 10001 mode 600"

# The JWT key as Swarm mounts a secret: a root-owned, world-readable file.
secret=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
mkdir -p "$mnt/run/secrets"
printf '%s\n' "$secret" >"$mnt/run/secrets/jwt_secret"
chmod 0444 "$mnt/run/secrets/jwt_secret"

in_image "${entrypoint[@]}" serve >"$out/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "$base/health" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || fail "serve exited" "$out/serve.log"
  sleep 0.1
done
status=$(curl -sS -o /dev/null -w '%{http_code}' "$base/health" || true)
[ "$status" = 200 ] || fail "/health answered '$status', not 200" "$out/serve.log"
in_image curl -fsS -o /dev/null "$base/health" >>"$out/serve.log" 2>&1 || fail "the image's own curl (HEALTHCHECK) could not reach /health" "$out/serve.log"

resp=$(curl -sS -w '\n%{http_code}' -H 'Content-Type: application/json' \
  -d '{"username":"imagecheck","password":"image-check-password-1"}' "$base/auth/register" || true)
[ "${resp##*$'\n'}" = 201 ] || fail "POST /auth/register answered: $resp" "$out/serve.log"
token=$(printf '%s' "${resp%$'\n'*}" | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
me=$(curl -fsS -H "Authorization: Bearer $token" "$base/auth/me" || true)
printf '%s' "$me" | grep -q '"imagecheck"' || fail "GET /auth/me with the new token answered: $me" "$out/serve.log"
# The token must be signed with the key from /run/secrets/jwt_secret.
python3 - "$token" "$secret" <<'EOF' || fail "the token is not signed with the key in /run/secrets/jwt_secret" "$out/serve.log"
import base64, hashlib, hmac, sys
token, secret = sys.argv[1], sys.argv[2]
head, body, sig = token.split(".")
want = base64.urlsafe_b64encode(hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()).rstrip(b"=").decode()
sys.exit(0 if hmac.compare_digest(want, sig) else 1)
EOF
[ ! -e "$mnt/data/jwt_secret" ] || fail "a jwt_secret was generated in /data although /run/secrets/jwt_secret was there"
db=$(find "$mnt/data" -maxdepth 1 -name '*.db' -type f | head -n 1)
[ -n "$db" ] && [ "$(stat -c %u "$db")" = 10001 ] || fail "no database owned by uid 10001 in /data: $(ls -ln "$mnt/data")"
other=$(find "$mnt" -xdev -newer "$mnt/run/secrets/jwt_secret" -not -path "$mnt/data*" -not -path "$mnt/proc*" \
        -not -path "$mnt/dev*" -not -path "$mnt/tmp*" 2>/dev/null | head -n 5)
[ -z "$other" ] || fail "the server wrote outside /data and /tmp: $other"
kill -TERM "$server_pid"
rc=0; wait "$server_pid" || rc=$?
server_pid=""
[ "$rc" = 0 ] || [ "$rc" = 143 ] || fail "serve exited with $rc on SIGTERM" "$out/serve.log"
say "run: as uid 10001 from the image's root filesystem: setup-keys, /health 200, registration, JWT key from /run/secrets/jwt_secret ($(elapsed "$t"))"

# ---- 4. nothing but the binary and its runtime libraries over the base -------------------
t=$(date +%s)
base_mnt=$(podman image mount debian:bookworm-slim)
ldd_out=$(chroot "$mnt" ldd /usr/local/bin/artdag-l2) || fail "ldd of the binary in the image: $ldd_out"
! grep -q 'not found' <<<"$ldd_out" || fail "the image lacks libraries the binary needs: $(grep 'not found' <<<"$ldd_out")"
libs=$(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$ldd_out")
python3 - "$mnt" "$base_mnt" "$out/added-files.txt" $libs <<'EOF' || fail "the image adds more than the binary and its runtime libraries (list: $out/added-files.txt)"
import glob, os, re, sys

img, base, report, libs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]

def packages(rootfs):
    """name -> (depends, pre-depends) for the installed packages of a root filesystem's dpkg db."""
    pkgs, cur = {}, {}
    with open(os.path.join(rootfs, "var/lib/dpkg/status"), encoding="utf-8") as f:
        for para in f.read().split("\n\n"):
            fields, key = {}, None
            for line in para.splitlines():
                if line[:1] in (" ", "\t") and key:
                    fields[key] += " " + line.strip()
                elif ":" in line:
                    key, _, val = line.partition(":")
                    fields[key] = val.strip()
            if "Package" in fields and fields.get("Status", "").endswith(" installed"):
                name = fields["Package"]
                deps = []
                for field in ("Pre-Depends", "Depends"):
                    for alt in filter(None, (d.strip() for d in fields.get(field, "").split(","))):
                        # first alternative that is installed is resolved below
                        deps.append([re.split(r"[ (:]", a.strip())[0] for a in alt.split("|")])
                pkgs[name] = deps
                pkgs.setdefault("__provides__", {})
                for p in filter(None, (x.strip() for x in fields.get("Provides", "").split(","))):
                    pkgs["__provides__"].setdefault(re.split(r"[ (]", p)[0], name)
    return pkgs

def files_of(rootfs, pkg):
    info = os.path.join(rootfs, "var/lib/dpkg/info")
    lists = glob.glob(os.path.join(info, glob.escape(pkg) + ".list")) + \
            glob.glob(os.path.join(info, glob.escape(pkg) + ":*.list"))  # Multi-Arch: same
    return [l.rstrip("\n") for p in lists for l in open(p, encoding="utf-8") if l.strip()]

img_pkgs, base_pkgs = packages(img), packages(base)
provides = img_pkgs.pop("__provides__", {}); base_pkgs.pop("__provides__", None)
added_pkgs = set(img_pkgs) - set(base_pkgs)

# Packages owning the libraries the binary loads.
owner = {}
for pkg in img_pkgs:
    for path in files_of(img, pkg):
        owner[path] = pkg
roots, problems = {"curl", "ca-certificates"}, []  # HEALTHCHECK and TLS trust, in the Dockerfile
for lib in libs:
    real = os.path.realpath(os.path.join(img, lib.lstrip("/")))[len(os.path.realpath(img)):]
    cands = [lib, real, "/usr" + lib if not lib.startswith("/usr") else lib[4:], "/usr" + real if not real.startswith("/usr") else real[4:]]
    pkg = next((owner[c] for c in cands if c in owner), None)
    if pkg is None:
        problems.append(f"library {lib} belongs to no package")
    else:
        roots.add(pkg)

needed, todo = set(), list(roots)
while todo:
    p = todo.pop()
    p = p if p in img_pkgs else provides.get(p, p)
    if p in needed or p not in img_pkgs:
        continue
    needed.add(p)
    for alts in img_pkgs[p]:
        todo.append(next((a for a in alts if a in img_pkgs or a in provides), alts[0]))

for p in sorted(added_pkgs - needed):
    problems.append(f"package {p} is neither a library the binary loads nor one they depend on")

# Files: everything in the image that is not in the base must be the binary, /data, a file of an
# added package, or what installing packages and adding the user writes.
allowed = set()
for p in added_pkgs:
    for f in files_of(img, p):
        allowed.add(f)
        # usrmerge: a package may list /lib/x.so that the walk below finds as /usr/lib/x.so.
        if f.startswith(("/lib", "/bin", "/sbin")):
            allowed.add("/usr" + f)
bookkeeping = re.compile(r"^/(usr/local/bin/artdag-l2|data|run/secrets(/jwt_secret)?"
                         r"|etc/(passwd|group|shadow|gshadow)-?|etc/ld\.so\.cache"
                         r"|etc/ssl/certs(/.*)?|etc/alternatives(/.*)?|etc/ca-certificates(/.*)?"
                         # ca-certificates' postinst writes these; the build's RUN steps leave
                         # the runtime's /etc/hosts behind.
                         r"|etc/ca-certificates\.conf|usr/local/share/ca-certificates|etc/hosts"
                         r"|var/lib/dpkg(/.*)?|var/lib/apt(/.*)?|var/cache/(apt|debconf|ldconfig)(/.*)?"
                         r"|var/log(/.*)?|var/lib/systemd(/.*)?|var/lib/ucf(/.*)?|usr/share/ca-certificates(/.*)?"
                         r"|usr/lib/ssl(/.*)?|etc/ssl(/.*)?|tmp|run|proc|dev)$")
added_files = []
for dirpath, dirnames, filenames in os.walk(img):
    rel = dirpath[len(img):] or "/"
    if rel.startswith(("/proc", "/dev", "/sys")) and rel != "/":
        dirnames[:] = []
        continue
    for name in dirnames + filenames:
        path = os.path.join(rel, name)
        if path.startswith("/data/"):
            continue  # what the check itself wrote
        if os.path.lexists(os.path.join(base, path.lstrip("/"))):
            continue
        if path in allowed or bookkeeping.match(path):
            continue
        added_files.append(path)
for path in added_files[:50]:
    problems.append(f"file {path} is in no added package")

with open(report, "w", encoding="utf-8") as f:
    f.write("added packages:\n" + "".join(f"  {p}\n" for p in sorted(added_pkgs)))
    f.write("problems:\n" + "".join(f"  {p}\n" for p in problems))
for p in problems:
    print("  " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
say "contents: only the binary and its runtime libraries over debian:bookworm-slim ($(elapsed "$t"); list: $out/added-files.txt)"
say "passed in $(elapsed "$t_all"); logs in $out/"
