#!/usr/bin/env bash
# make fuzz: the generative properties (tests/designer/test_generative.py) with fresh random
# seeds, round after round, until FUZZ_MINUTES (default 10) have passed or a property fails.
# Prints hypothesis' statistics (examples tried per property) each round; a failure prints its
# shrunk example and the seed that reproduces it (pytest --hypothesis-seed=SEED).
set -uo pipefail
cd "$(dirname "$0")/.."
minutes=${FUZZ_MINUTES:-10}
stop=$(( $(date +%s) + minutes * 60 ))
round=0
while (( $(date +%s) < stop )); do
  round=$((round + 1))
  seed=$(( (RANDOM << 15) | RANDOM ))
  echo "==> fuzz round $round, seed $seed ($(( (stop - $(date +%s)) / 60 )) min left)"
  HYPOTHESIS_PROFILE=fuzz .venv/bin/python -m pytest tests/designer/test_generative.py -q \
    -p no:cacheprovider --hypothesis-seed="$seed" --hypothesis-show-statistics "$@" \
    | grep -E "^(tests\/| +- |=|FAILED|E )|passed|failed|Falsifying|Failing"
  status=${PIPESTATUS[0]}
  if (( status != 0 )); then
    echo "==> a property failed in round $round: reproduce with --hypothesis-seed=$seed" >&2
    exit "$status"
  fi
done
echo "==> fuzz: $round round(s), no failure"
