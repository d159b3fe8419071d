#!/usr/bin/env bash
# Renders one frame of kafkasim-viewer under Xvfb (Mesa's software OpenGL) and writes it as PNG.
#   scripts/viewer-screenshot.sh VIEWER TRACE TIME OUT.png [WxH]
# Used by the viewer's screenshot test (tests/viewer) and to make docs/images/*.png.
set -euo pipefail
if [ $# -lt 4 ]; then
  echo "usage: $0 VIEWER TRACE TIME OUT.png [WxH]" >&2
  exit 2
fi
viewer="$1" trace="$2" time="$3" out="$4" size="${5:-1600x1000}"
screen="${size}x24"
exec xvfb-run -a -s "-screen 0 ${screen}" \
  "$viewer" --trace "$trace" --at "$time" --screenshot "$out" --size "$size"
