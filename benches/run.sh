#!/usr/bin/env bash
# Every benchmark in BENCHMARKS.md, each against its peer in the same run. Needs hyperfine and tmux
# (Debian packages of the same names).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked
echo "== start-up: ncsh -c true vs bash -c true"
hyperfine -N --warmup 20 --runs 300 --export-json target/startup.json \
  'target/release/ncsh -c true' 'bash -c true'
python3 - <<'PY'
import json
r = {x["command"]: x["median"] * 1e3 for x in json.load(open("target/startup.json"))["results"]}
n, b = r["target/release/ncsh -c true"], r["bash -c true"]
print(f"median ncsh {n:.2f} ms, bash {b:.2f} ms, ratio {n / b:.2f}")
PY
echo "== terminal: throughput and keystroke echo"
cargo bench --locked --bench terminal
echo "== generations: install, rollback with 10 vs 10,000 generations, durable audit appends"
cargo bench --locked --bench generations
echo "== capabilities: 1,000 calc calls vs 1,000 expr in bash; first call after install"
cargo bench --locked --bench capabilities
