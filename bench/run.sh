#!/usr/bin/env bash
# bench/run.sh (make bench): time `attendrisk analyse` on a local-authority-sized
# marks CSV against DuckDB doing the same per-pupil aggregation on the same
# file, and print a markdown table of wall time and peak memory.
#
# Steps:
#   1. Generate the LA file (40,000 synthetic pupils, about 15.3 million rows
#      and 855 MB) into $BENCH_DIR unless it is already there. The generator
#      is deterministic, so a cached file is the same file.
#   2. Build bin/attendrisk.
#   3. Run each tool $BENCH_RUNS times under GNU time (%e wall seconds,
#      %M peak RSS). The first run also warms the page cache for the others,
#      which is why the best and the median are reported, not the mean.
#   4. Print the table and write it to $BENCH_DIR/results.md.
#
# Environment:
#   BENCH_DIR     cache and results directory (default /tmp/attendrisk-bench;
#                 bench/data keeps it in the tree, ignored by git)
#   BENCH_PUPILS  pupils in the generated LA file (default 40000)
#   BENCH_RUNS    runs per tool (default 3)
#   BENCH_TOOLS   tools to time, space-separated (default "attendrisk duckdb")
#
# Needs Go, Node.js (18 or later) with npm, and GNU time. As root on Debian or
# Ubuntu the script installs GNU time (package "time") and Node.js itself if
# they are missing; bench/node_modules is installed with npm on first use.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# Go lives in /usr/local/go on the project's machines, which a non-login
# shell may not have on PATH (as in .ci/run).
export PATH="$PATH:/usr/local/go/bin"

BENCH_DIR=${BENCH_DIR:-/tmp/attendrisk-bench}
pupils=${BENCH_PUPILS:-40000}
runs=${BENCH_RUNS:-3}
tools=${BENCH_TOOLS:-attendrisk duckdb}

log() { printf 'bench: %s\n' "$*" >&2; }
die() {
	log "$*"
	exit 1
}

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS=$runs: want a positive whole number"
[[ $pupils =~ ^[1-9][0-9]*$ ]] || die "BENCH_PUPILS=$pupils: want a positive whole number"
command -v go >/dev/null || die "go is not on PATH"
mkdir -p "$BENCH_DIR"

# apt_install PACKAGE...: install Debian packages, only where that is possible
# without asking anyone (root, apt-get present).
apt_install() {
	[[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null || return 1
	log "installing $* with apt-get"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# GNU time, not the shell keyword: it reports the peak RSS of the process.
if [[ ! -x /usr/bin/time ]]; then
	apt_install time || die "GNU time (/usr/bin/time) is missing: install it (Debian/Ubuntu: apt-get install time)"
fi

# 1. The data.
csv="$BENCH_DIR/la-$pupils.csv"
if [[ ! -s $csv ]]; then
	log "generating $csv"
	go run ./cmd/synth -kind la -pupils "$pupils" -out "$csv"
fi
rows=$(($(wc -l <"$csv") - 1))
size_mb=$(($(stat -c %s "$csv") / 1000000))
log "input: $csv, $rows rows, $size_mb MB"

# measure NAME CMD...: run CMD $runs times with stdout discarded; append one
# "seconds kilobytes" line per run to $BENCH_DIR/NAME.times. A failing run
# stops the script with the tool's own error output.
measure() {
	local name=$1 i
	shift
	: >"$BENCH_DIR/$name.times"
	for ((i = 1; i <= runs; i++)); do
		if ! /usr/bin/time -f '%e %M' -o "$BENCH_DIR/$name.time" "$@" >/dev/null 2>"$BENCH_DIR/$name.stderr"; then
			cat "$BENCH_DIR/$name.stderr" >&2
			die "$name failed (run $i): $*"
		fi
		tail -n 1 "$BENCH_DIR/$name.time" >>"$BENCH_DIR/$name.times"
		log "$name run $i/$runs: $(tail -n 1 "$BENCH_DIR/$name.time" | awk '{printf "%.2f s, %.0f MB", $1, $2 / 1024}')"
	done
}

# row LABEL NAME [ROWS]: the table row of one tool: best and median seconds,
# and the highest peak RSS of all runs in MB.
row() {
	sort -n "$BENCH_DIR/$2.times" | awk -v label="$1" -v rows="${3:-$rows}" '
		{ t[NR] = $1; if ($2 > mem) mem = $2 }
		END {
			med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
			printf "| %s | %d | %.2f | %.2f | %.0f |\n", label, rows, t[1], med, mem / 1024
		}'
}

table=()
for tool in $tools; do
	case $tool in
	attendrisk)
		# 2. The binary, rebuilt every time so the numbers are for this tree.
		log "building bin/attendrisk"
		go build -o bin/attendrisk ./cmd/attendrisk
		measure attendrisk bin/attendrisk analyse --format csv "$csv"
		table+=("$(row "attendrisk analyse --format csv, with the default rules (commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown))" attendrisk)")

		# Like for like with DuckDB: the per-pupil figures only.
		measure attendrisk-figures bin/attendrisk analyse --no-rules --format csv "$csv"
		table+=("$(row "attendrisk analyse --no-rules --format csv (figures only, as DuckDB)" attendrisk-figures)")

		# The same year as Excel's Windows CSV: Windows-1252, semicolons.
		# (Letters Windows-1252 lacks, such as the Ł of Łukasz, are
		# transliterated by iconv.)
		cp="$BENCH_DIR/la-$pupils-cp1252-semicolon.csv"
		if [[ ! -s $cp ]]; then
			log "writing $cp"
			sed 's/,/;/g' "$csv" | iconv -f utf-8 -t windows-1252//TRANSLIT >"$cp.tmp" && mv "$cp.tmp" "$cp"
		fi
		measure attendrisk-cp1252 bin/attendrisk analyse --format csv "$cp"
		table+=("$(row "attendrisk, the same file as Windows-1252 with semicolons" attendrisk-cp1252)")

		# A 1,500-pupil school's year as an XLSX register grid (pandas with
		# openpyxl takes about 4.6 s to read it on this kind of machine).
		school="$BENCH_DIR/school-1500"
		if [[ ! -s $school/school-grid.xlsx ]]; then
			go run ./cmd/synth -kind school -pupils 1500 -out "$school" >/dev/null
		fi
		measure attendrisk-xlsx bin/attendrisk analyse --format csv "$school/school-grid.xlsx"
		table+=("$(row "attendrisk, a 1,500-pupil school's XLSX register grid (pupil rows)" attendrisk-xlsx 1500)")
		;;
	duckdb)
		if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
			apt_install nodejs npm || die "Node.js and npm are needed for the DuckDB reference (https://nodejs.org)"
		fi
		if [[ ! -d bench/node_modules/@duckdb/node-api ]]; then
			log "installing @duckdb/node-api into bench/node_modules"
			npm install --prefix bench --no-audit --no-fund --no-package-lock --loglevel=error
		fi
		measure duckdb node bench/duckdb.mjs "$csv" "$BENCH_DIR/duckdb-pupils.csv"
		log "$(cat "$BENCH_DIR/duckdb.stderr")"
		table+=("$(row "DuckDB $(node bench/duckdb.mjs --version) (Node.js $(node --version), all cores)" duckdb)")
		;;
	*)
		die "BENCH_TOOLS: unknown tool $tool (want attendrisk, duckdb)"
		;;
	esac
done

# Agreement: the same per-pupil figures from both tools, or the speed means
# nothing.
agreement=""
if [[ " $tools " == *" attendrisk "* && " $tools " == *" duckdb "* ]]; then
	bin/attendrisk analyse -q --no-rules --format csv "$csv" >"$BENCH_DIR/attendrisk-pupils.csv"
	agreement=$(awk -F, '
		NR == FNR { if (FNR > 1) duck[$1] = $2 "," $3 "," $4 "," $5 "," $6 "," $7 "," $8 "," $9; next }
		FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{
			mine = $col["possible_sessions"] "," $col["present_sessions"] "," $col["aea_sessions"] "," $col["authorised_absence"] "," \
				$col["unauthorised_absence"] "," $col["missing_marks"] "," $col["persistent_absence"] "," $col["severe_absence"]
			n++; if (!($1 in duck) || duck[$1] != mine) bad++
		}
		END { printf "%d pupils compared, %d with different figures", n, bad }' \
		"$BENCH_DIR/duckdb-pupils.csv" "$BENCH_DIR/attendrisk-pupils.csv")
	log "agreement: $agreement"
	[[ $agreement == *", 0 with different figures" ]] || die "attendrisk and DuckDB disagree: $agreement"
fi

cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
mem_gb=$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo '?')
{
	echo "## attendrisk benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
	echo "Input: \`$(basename "$csv")\` ($rows rows, $size_mb MB, $pupils synthetic pupils). $runs runs per tool."
	echo "Machine: $(nproc) cores${cpu:+ ($cpu)}, $mem_gb GB RAM. Wall time and peak RSS from GNU time."
	echo
	echo "| tool | rows | best s | median s | peak MB |"
	echo "|---|---:|---:|---:|---:|"
	printf '%s\n' "${table[@]}"
	if [[ -n $agreement ]]; then
		echo
		echo "Per-pupil figures (possible, present, AEA, authorised, unauthorised, missing, persistent, severe): $agreement."
	fi
} | tee "$BENCH_DIR/results.md"
log "wrote $BENCH_DIR/results.md"
