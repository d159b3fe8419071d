# shellcheck shell=bash
# Sourced by scripts/demo.sh and scripts/test.sh: makes sure this Debian 12 machine has every
# package kafkasim needs, then configures and builds the Release preset.
#
# When run as root, missing packages are installed with apt-get. Otherwise the exact apt-get line
# is printed and the script stops (exit 2): nothing is ever downloaded outside Debian's packages.
set -euo pipefail

KAFKASIM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$KAFKASIM_ROOT"

# Keep in step with cmake/KafkasimDependencies.cmake.
KAFKASIM_PACKAGES=(
  cmake ninja-build g++ pkg-config git
  libboost-program-options-dev libsqlite3-dev sqlite3 libyaml-cpp-dev libxxhash-dev
  zlib1g-dev libzstd-dev liblz4-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-pandas python3-matplotlib jupyter-nbconvert python3-ipykernel
  libimgui-dev libglfw3-dev libstb-dev xvfb fonts-dejavu-core xauth
)

kafkasim_missing_packages() {
  local missing=() package
  for package in "${KAFKASIM_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  echo "${missing[@]:-}"
}

kafkasim_install_packages() {
  local missing
  missing="$(kafkasim_missing_packages)"
  if [ -z "$missing" ]; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "kafkasim: these Debian packages are missing: $missing" >&2
    echo "kafkasim: install them with:" >&2
    echo "  sudo apt-get install -y --no-install-recommends $missing" >&2
    exit 2
  fi
  echo "kafkasim: installing Debian packages: $missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
}

kafkasim_build() {
  # Two cores: two jobs. Configure once; later runs only rebuild what changed.
  if [ ! -f build/release/build.ninja ]; then
    cmake --preset release
  fi
  cmake --build --preset release -j 2 "$@"
}

kafkasim_install_packages
