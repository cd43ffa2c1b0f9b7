# shellcheck shell=bash
# Helpers for scripts/build-pgo. Source it; it defines functions only.
#
#   qm_pgo_invalidate PROFILES USED BUILD_DIR
#       Removes from BUILD_DIR every object whose training counts are not the ones it was
#       compiled with, and prints how many it removed. PROFILES holds the new counts, USED the
#       counts of BUILD_DIR's last complete build. Ninja does not know the counts are inputs of
#       an object, so without this an object compiled from old counts would stay; removing
#       the object makes Ninja compile it again, and relink what contains it.
#
# A counts file is named by its object's path relative to the build directory, with '/' as
# '#' and the object's .o as .gcda (core/CMakeFiles/qm_core.dir/base/assert.cpp.o has
# core#CMakeFiles#qm_core.dir#base#assert.cpp.gcda). An object goes when its counts file
# - differs from USED's (the code it counts changed, or the training ran differently), or
# - is new (USED has none: the object was compiled untrained), or
# - is gone (only USED has one: the object was compiled from counts that no longer exist).
# The simulator is deterministic, so training an unchanged tree (without address
# randomisation, as build-pgo trains) leaves byte-identical counts and removes nothing: a
# second build-pgo with no change compiles nothing.

qm_pgo_object_of() {
  local name=${1##*/}
  name=${name%.gcda}
  printf '%s/%s.o\n' "$2" "${name//#//}"
}

qm_pgo_invalidate() {
  local profiles=$1 used=$2 build=$3 f name removed=0 glob_setting
  glob_setting=$(shopt -p nullglob || true)
  shopt -s nullglob
  for f in "$profiles"/*.gcda; do
    name=${f##*/}
    if [ ! -f "$used/$name" ] || ! cmp -s "$f" "$used/$name"; then
      rm -f "$(qm_pgo_object_of "$name" "$build")"
      removed=$((removed + 1))
    fi
  done
  for f in "$used"/*.gcda; do
    name=${f##*/}
    if [ ! -f "$profiles/$name" ]; then
      rm -f "$(qm_pgo_object_of "$name" "$build")"
      removed=$((removed + 1))
    fi
  done
  eval "$glob_setting"
  echo "$removed"
}
