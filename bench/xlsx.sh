#!/usr/bin/env bash
# bench/xlsx.sh (make bench): time `attendrisk analyse` on a 1,500-pupil
# school's year as an XLSX register grid against pandas reading the same
# workbook with openpyxl and computing the same per-pupil figures
# (bench/xlsx_pandas.py), side by side in one run; check the figures agree
# and print the ratio of the times (issue 12's target: at most 0.25).
#
# Steps:
#   1. Generate the school (go run ./cmd/synth -kind school -pupils 1500)
#      into $BENCH_DIR/school-1500 unless it is there; the generator is
#      deterministic, so a cached workbook is the same workbook.
#   2. Build bin/attendrisk.
#   3. Run the tools in turn, $BENCH_RUNS rounds (attendrisk with the
#      default rules, attendrisk with --no-rules, pandas), under GNU time
#      (%e wall seconds, %M peak RSS). Taking turns keeps a busy machine's
#      load from falling on one tool only; best and median are reported.
#   4. Compare every pupil's figures (possible, present, AEA, authorised,
#      unauthorised, persistent, severe) and stop if any differ.
#   5. Print a markdown table and the ratios, and write them to
#      $BENCH_DIR/xlsx-results.md.
#
# Environment:
#   BENCH_DIR     cache and results directory (default /tmp/attendrisk-bench)
#   BENCH_RUNS    rounds (default 3)
#   BENCH_PYTHON  the Python with pandas and openpyxl (default /usr/bin/python3,
#                 Debian's, which has Debian's python3-pandas and python3-openpyxl)
#
# Needs Go, GNU time and Debian's python3-pandas and python3-openpyxl; as
# root on Debian or Ubuntu the script installs the missing ones with apt-get.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export PATH="$PATH:/usr/local/go/bin"

BENCH_DIR=${BENCH_DIR:-/tmp/attendrisk-bench}
runs=${BENCH_RUNS:-3}
python=${BENCH_PYTHON:-/usr/bin/python3}

log() { printf 'bench/xlsx: %s\n' "$*" >&2; }
die() {
	log "$*"
	exit 1
}

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS=$runs: want a positive whole number"
command -v go >/dev/null || die "go is not on PATH"
mkdir -p "$BENCH_DIR"

apt_install() {
	[[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null || return 1
	log "installing $* with apt-get"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [[ ! -x /usr/bin/time ]]; then
	apt_install time || die "GNU time (/usr/bin/time) is missing: install it (Debian/Ubuntu: apt-get install time)"
fi
if ! "$python" -c 'import pandas, openpyxl' 2>/dev/null; then
	apt_install python3-pandas python3-openpyxl || die "$python cannot import pandas and openpyxl: install them (Debian/Ubuntu: apt-get install python3-pandas python3-openpyxl), or set BENCH_PYTHON"
fi
versions=$("$python" -c 'import sys, pandas, openpyxl; print(f"pandas {pandas.__version__}, openpyxl {openpyxl.__version__}, Python {sys.version.split()[0]}")')

# 1. The data.
school="$BENCH_DIR/school-1500"
grid="$school/school-grid.xlsx"
if [[ ! -s $grid ]]; then
	log "generating $school"
	go run ./cmd/synth -kind school -pupils 1500 -out "$school" >/dev/null
fi
size_mb=$(awk -v b="$(stat -c %s "$grid")" 'BEGIN { printf "%.1f", b / 1000000 }')
log "input: $grid ($size_mb MB)"

# 2. The binary, rebuilt so the numbers are for this tree.
log "building bin/attendrisk"
go build -o bin/attendrisk ./cmd/attendrisk

# 3. Turns.
# once NAME CMD...: one timed run with stdout discarded, appended to
# $BENCH_DIR/xlsx-NAME.times as "seconds kilobytes".
once() {
	local name=$1
	shift
	if ! /usr/bin/time -f '%e %M' -o "$BENCH_DIR/xlsx-$name.time" "$@" >/dev/null 2>"$BENCH_DIR/xlsx-$name.stderr"; then
		cat "$BENCH_DIR/xlsx-$name.stderr" >&2
		die "$name failed: $*"
	fi
	tail -n 1 "$BENCH_DIR/xlsx-$name.time" >>"$BENCH_DIR/xlsx-$name.times"
	log "$name: $(tail -n 1 "$BENCH_DIR/xlsx-$name.time" | awk '{printf "%.2f s, %.0f MB", $1, $2 / 1024}')"
}
names="attendrisk attendrisk-figures pandas"
for n in $names; do : >"$BENCH_DIR/xlsx-$n.times"; done
for ((i = 1; i <= runs; i++)); do
	log "round $i/$runs"
	once attendrisk bin/attendrisk analyse --format csv "$grid"
	once attendrisk-figures bin/attendrisk analyse --no-rules --format csv "$grid"
	once pandas "$python" bench/xlsx_pandas.py "$grid" "$BENCH_DIR/xlsx-pandas-pupils.csv"
done
log "$(cat "$BENCH_DIR/xlsx-pandas.stderr")"

# 4. Agreement: the same per-pupil figures, or the speed means nothing.
bin/attendrisk analyse -q --no-rules --format csv "$grid" >"$BENCH_DIR/xlsx-attendrisk-pupils.csv"
agreement=$(awk -F, '
	NR == FNR { if (FNR > 1) ref[$1] = $2 "," $3 "," $4 "," $5 "," $6 "," tolower($7) "," tolower($8); next }
	FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{
		mine = $col["possible_sessions"] "," $col["present_sessions"] "," $col["aea_sessions"] "," $col["authorised_absence"] "," \
			$col["unauthorised_absence"] "," $col["persistent_absence"] "," $col["severe_absence"]
		n++; if (!($1 in ref) || ref[$1] != mine) bad++
		seen[$1] = 1
	}
	END {
		for (u in ref) if (!(u in seen)) bad++
		printf "%d pupils compared, %d with different figures", n, bad
	}' "$BENCH_DIR/xlsx-pandas-pupils.csv" "$BENCH_DIR/xlsx-attendrisk-pupils.csv")
log "agreement: $agreement"
[[ $agreement == *", 0 with different figures" && $agreement != "0 pupils"* ]] || die "attendrisk and pandas disagree: $agreement"

# 5. The table: best and median seconds, highest peak RSS.
stats() { # NAME -> "best median peak_mb"
	sort -n "$BENCH_DIR/xlsx-$1.times" | awk '
		{ t[NR] = $1; if ($2 > mem) mem = $2 }
		END { med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; printf "%.2f %.2f %.0f", t[1], med, mem / 1024 }'
}
read -r ar_best ar_med ar_mem <<<"$(stats attendrisk)"
read -r af_best af_med af_mem <<<"$(stats attendrisk-figures)"
read -r pd_best pd_med pd_mem <<<"$(stats pandas)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
{
	echo "## attendrisk XLSX register grid benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
	echo "Input: \`$(basename "$grid")\` ($size_mb MB, 1,500 synthetic pupils, a school year of sessions). $runs rounds, the tools taking turns."
	echo "Machine: $(nproc) cores${cpu:+ ($cpu)}. Wall time and peak RSS from GNU time."
	echo
	echo "| tool | best s | median s | peak MB |"
	echo "|---|---:|---:|---:|"
	echo "| attendrisk analyse --format csv, default rules (commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)) | $ar_best | $ar_med | $ar_mem |"
	echo "| attendrisk analyse --no-rules --format csv (figures only) | $af_best | $af_med | $af_mem |"
	echo "| pandas.read_excel(engine=\"openpyxl\") + the figures ($versions) | $pd_best | $pd_med | $pd_mem |"
	echo
	echo "attendrisk / pandas, whole analysis: $(ratio "$ar_best" "$pd_best") best, $(ratio "$ar_med" "$pd_med") median (target at most 0.25)."
	echo "attendrisk / pandas, figures only: $(ratio "$af_best" "$pd_best") best, $(ratio "$af_med" "$pd_med") median."
	echo "Per-pupil figures (possible, present, AEA, authorised, unauthorised, persistent, severe): $agreement."
} | tee "$BENCH_DIR/xlsx-results.md"
log "wrote $BENCH_DIR/xlsx-results.md"
