#!/usr/bin/env bash
# The compose files, judged by docker-compose itself (Debian's 1.29 needs no engine for
# `config`): both files are valid against the compose schema with the template's values, and
# refused with the template's message when the environment is empty (every secret is
# ${VAR:?...}). A copy with a misspelt key must be refused too, so this test cannot pass by
# running a validator that validates nothing.
#   compose_config.sh DOCKER_COMPOSE REPO
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 DOCKER_COMPOSE REPO" >&2
  exit 2
fi
compose=$1
repo=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/quickmart-compose.XXXXXX")
trap 'rm -rf "$work"' EXIT
: >"$work/empty.env"

# Nothing from the caller's environment may fill a variable (compose prefers it to --env-file).
run_compose() { (cd "$1" && env -i PATH="$PATH" HOME="$work" "$compose" --env-file "$2" -f "$3" config -q); }

for file in docker-compose.yml docker-compose.databases.yml; do
  run_compose "$repo/docker" "$repo/.env.template" "$file"
  if out=$(run_compose "$repo/docker" "$work/empty.env" "$file" 2>&1); then
    echo "$file: docker-compose accepted an empty environment" >&2
    exit 1
  fi
  if ! grep -q "in .env (see .env.template)" <<<"$out"; then
    echo "$file: refused for another reason than a missing variable: $out" >&2
    exit 1
  fi
  echo "$file: valid with the template, refused without it"
done

mkdir "$work/broken"
cp "$repo/docker/docker-compose.yml" "$repo/docker/docker-compose.databases.yml" "$work/broken/"
sed -i '0,/^    healthcheck:/s//    helthcheck:/' "$work/broken/docker-compose.yml"
if run_compose "$work/broken" "$repo/.env.template" docker-compose.yml 2>/dev/null; then
  echo "docker-compose accepted a misspelt key (helthcheck): it validates nothing" >&2
  exit 1
fi
echo "a misspelt key is refused"
