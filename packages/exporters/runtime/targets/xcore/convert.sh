#!/usr/bin/env bash
# Converts model/model.tflite (Larq Compute Engine ops, BNN Studio's xcore profile) for xcore.ai with XMOS's
# xformer (`pip install xmos-ai-tools`). Writes app/src/model.tflite plus the generated C++ runtime glue
# app/src/model.tflite.cpp / model.tflite.h (model_init, model_input_ptr, model_invoke, model_output_ptr).
#   XCORE_THREADS=5 ./convert.sh
set -euo pipefail
cd "$(dirname "$0")"
THREADS="${XCORE_THREADS:-1}"
mkdir -p app/src
if command -v xcore-opt >/dev/null 2>&1; then
  xcore-opt model/model.tflite -o app/src/model.tflite --xcore-thread-count="${THREADS}"
elif python3 -c 'import xmos_ai_tools' >/dev/null 2>&1; then
  python3 - "${THREADS}" <<'PY'
import sys
from xmos_ai_tools import xformer as xf
xf.convert("model/model.tflite", "app/src/model.tflite", {"xcore-thread-count": sys.argv[1]})
print("tensor arena bytes:", xf.tensor_arena_size())
PY
else
  echo "convert.sh: xformer not found. Install XMOS AI tools: pip install xmos-ai-tools" >&2
  exit 1
fi
echo "converted: app/src/model.tflite(.cpp/.h). Next: cd app && cmake -G 'Unix Makefiles' -B build && xmake -C build"
