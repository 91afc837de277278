#!/bin/sh
# Refill the poison cache: download FETCH_COUNT documents, then trim the cache to the
# newest MAX_CACHE_FILES files.
set -e

CACHE_DIR="${CACHE_DIR:-/data/cache}"
POISON_URL="${POISON_URL:-https://rnsaffn.com/poison2/}"
FETCH_COUNT="${FETCH_COUNT:-50}"
MAX_CACHE_FILES="${MAX_CACHE_FILES:-100}"

mkdir -p "$CACHE_DIR"
ok=0
n=1
while [ "$n" -le "$FETCH_COUNT" ]; do
  target="$CACHE_DIR/poison_$(date +%s)_$n.txt"
  if curl -sS --http1.1 --compressed -m 30 -o "$target" "$POISON_URL" 2>/dev/null && [ -s "$target" ]; then
    ok=$((ok + 1))
  else
    rm -f "$target"
    echo "document $n/$FETCH_COUNT: no content, skipped"
  fi
  n=$((n + 1))
  sleep 2
done

count=$(find "$CACHE_DIR" -type f -name '*.txt' | wc -l)
if [ "$count" -gt "$MAX_CACHE_FILES" ]; then
  find "$CACHE_DIR" -type f -name '*.txt' -printf '%T+ %p\n' | sort \
    | head -n "$((count - MAX_CACHE_FILES))" | cut -d' ' -f2- | xargs rm -f
fi
echo "fetched $ok of $FETCH_COUNT; $(find "$CACHE_DIR" -type f -name '*.txt' | wc -l) documents cached"
