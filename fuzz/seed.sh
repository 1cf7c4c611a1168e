#!/usr/bin/env bash
# Seeds the fuzz corpora from the fixture bodies in crates/imhook-core/tests/fixtures/ (the corpora are
# not committed: libFuzzer grows them to thousands of files).
# Usage: fuzz/seed.sh    then    cd fuzz && cargo +nightly fuzz run <target>
set -euo pipefail
cd "$(dirname "$0")"
fixtures=../crates/imhook-core/tests/fixtures
mkdir -p corpus/tencent_decode corpus/agora_decode corpus/endpoint

n=0
for f in "$fixtures"/tencent/*.json; do
  name=$(basename "$f" .json)
  [[ $name == manifest || $name == signatures || $name == *.reply.* ]] && continue
  command=${name%%.variant*}
  # tencent_decode: "<CallbackCommand>\n<body>"
  { printf '%s\n' "$command"; cat "$f"; } > "corpus/tencent_decode/$name"
  # endpoint, selector 0 (Tencent, no token): "<selector><query>\n<body>"
  { printf '\000SdkAppid=1400000001&CallbackCommand=%s&contenttype=json\n' "$command"; cat "$f"; } \
    > "corpus/endpoint/tencent-$name"
  n=$((n + 1))
done

for f in "$fixtures"/agora/*.json; do
  name=$(basename "$f" .json)
  [[ $name == manifest || $name == signatures || $name == *.reply.* ]] && continue
  if [[ $name == pre_send* ]]; then
    sel_decode='\001'; sel_ep='\004'
  else
    sel_decode='\000'; sel_ep='\002'
  fi
  { printf "$sel_decode"; cat "$f"; } > "corpus/agora_decode/$name"
  { printf "$sel_ep\n"; cat "$f"; } > "corpus/endpoint/agora-$name"
  # the same body through the development-mode endpoint, where it reaches the handler
  { printf '\005\n'; cat "$f"; } > "corpus/endpoint/agora-insecure-$name"
  n=$((n + 1))
done
echo "seeded $n fixtures into fuzz/corpus/"
