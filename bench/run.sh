#!/usr/bin/env bash
# bench/run.sh (make bench): time the whole `attendrisk analyse` pipeline on
# a local authority's year against DuckDB doing the per-pupil aggregation on
# the same file and against a plain byte scan of it (`wc -l`), and print the
# results as ratios to the issue's targets.
#
# Everything compared is measured side by side in one run: each round runs
# every command once, in turn, and there are $BENCH_RUNS rounds. On a shared
# machine a neighbour's load then falls on all of them alike, and the ratios
# (of best and of median times) mean more than any one time.
#
# Sections:
#   1. The authority year (BENCH_PUPILS pupils): attendrisk with the default
#      rules and CSV out, attendrisk figures only (--no-rules, DuckDB's work),
#      DuckDB, and wc -l; ratios to DuckDB and to wc -l; peak memory. Then the
#      pupil-by-pupil agreement of attendrisk's figures with DuckDB's.
#   2. Each output format on the authority year (csv, json, jsonl, parquet,
#      xlsx) written to a file: time and peak, each as a ratio to the CSV run.
#   3. The curve: 1/4, 1/2 and all of BENCH_PUPILS (10,000, 20,000 and
#      40,000 by default), with seconds and bytes per pupil above the base
#      (the peak of a 300-pupil run), so that a regression in the growth shows.
#   4. --compare (against this run's own JSON), summary --by school and
#      --split-by school -o DIR on the authority year.
#   5. Other inputs: the same year as Windows-1252 with semicolons, and a
#      1,500-pupil school's XLSX register grid.
# The tables go to stdout and to $BENCH_DIR/results.md.
#
# Environment:
#   BENCH_DIR       cache and results directory (default /tmp/attendrisk-bench;
#                   bench/data keeps it in the tree, ignored by git). The
#                   generator is deterministic, so a cached file is the same
#                   file, and generating the 40,000-pupil year takes a while.
#   BENCH_PUPILS    pupils in the authority year (default 40000)
#   BENCH_RUNS      rounds (default 3)
#   BENCH_SECTIONS  sections to run, space-separated (default "1 2 3 4 5")
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
sections=" ${BENCH_SECTIONS:-1 2 3 4 5} "

log() { printf 'bench: %s\n' "$*" >&2; }
die() {
	log "$*"
	exit 1
}
want() { [[ $sections == *" $1 "* ]]; }

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS=$runs: want a positive whole number"
# The smallest authority the generator makes has about 250 pupils.
[[ $pupils =~ ^[1-9][0-9]*$ ]] && ((pupils >= 1200)) || die "BENCH_PUPILS=$pupils: want a whole number, 1200 or more"
command -v go >/dev/null || die "go is not on PATH"
mkdir -p "$BENCH_DIR"
out="$BENCH_DIR/out"
mkdir -p "$out"

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

# The binary, rebuilt every time so the numbers are for this tree.
log "building bin/attendrisk"
go build -o bin/attendrisk ./cmd/attendrisk
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]]; then
	commit="$commit+changes"
fi
ar=bin/attendrisk

# la N: the path of the N-pupil authority file, generated if missing.
la() {
	local f="$BENCH_DIR/la-$1.csv"
	if [[ ! -s $f ]]; then
		log "generating $f"
		go run ./cmd/synth -kind la -pupils "$1" -out "$f.tmp" >&2 || die "cannot generate a $1-pupil authority"
		mv "$f.tmp" "$f"
	fi
	printf '%s\n' "$f"
}
csv=$(la "$pupils")
rows=$(($(wc -l <"$csv") - 1))
size_mb=$(($(stat -c %s "$csv") / 1000000))
log "input: $csv, $rows rows, $size_mb MB"

# measure NAME CMD...: run CMD once with stdout discarded and append its
# "seconds kilobytes" to $BENCH_DIR/NAME.times. A failing run stops the
# script with the command's own error output.
measure() {
	local name=$1
	shift
	if ! /usr/bin/time -f '%e %M' -o "$BENCH_DIR/$name.time" "$@" >/dev/null 2>"$BENCH_DIR/$name.stderr"; then
		cat "$BENCH_DIR/$name.stderr" >&2
		die "$name failed: $*"
	fi
	tail -n 1 "$BENCH_DIR/$name.time" >>"$BENCH_DIR/$name.times"
	log "$name: $(tail -n 1 "$BENCH_DIR/$name.time" | awk '{printf "%.2f s, %.0f MB", $1, $2 / 1024}')"
}

# reset NAME...: clear the NAMEs' times; the caller then runs its
# measure commands $runs times.
reset() {
	local n
	for n in "$@"; do : >"$BENCH_DIR/$n.times"; done
}

# best/median/peak NAME: seconds (best, median) and the highest peak RSS in
# MB over the runs.
best() { sort -n "$BENCH_DIR/$1.times" | awk 'NR == 1 { print $1 }'; }
median() {
	sort -n "$BENCH_DIR/$1.times" | awk '{ t[NR] = $1 } END { print (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }'
}
peak() { awk '$2 > m { m = $2 } END { printf "%.0f", m / 1024 }' "$BENCH_DIR/$1.times"; }
# ratio A B: A / B to two places ("-" if B is 0, as wc -l can be).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
# verdict VALUE LIMIT: "met" when VALUE <= LIMIT, else "missed".
verdict() { awk -v v="$1" -v l="$2" 'BEGIN { print (v != "-" && v + 0 <= l + 0) ? "met" : "missed" }'; }

report=()
add() { report+=("$@"); }

if want 1; then
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		apt_install nodejs npm || die "Node.js and npm are needed for the DuckDB reference (https://nodejs.org)"
	fi
	if [[ ! -d bench/node_modules/@duckdb/node-api ]]; then
		log "installing @duckdb/node-api into bench/node_modules"
		npm install --prefix bench --no-audit --no-fund --no-package-lock --loglevel=error
	fi
	reset pipeline figures duckdb wc
	for ((i = 1; i <= runs; i++)); do
		log "section 1, round $i/$runs"
		measure wc wc -l "$csv"
		measure pipeline $ar analyse -q --format csv "$csv"
		measure figures $ar analyse -q --no-rules --format csv "$csv"
		measure duckdb node bench/duckdb.mjs "$csv" "$BENCH_DIR/duckdb-pupils.csv"
	done
	log "$(cat "$BENCH_DIR/duckdb.stderr")"

	# Agreement: the same per-pupil figures from both tools, or the speed
	# means nothing.
	$ar analyse -q --no-rules --format csv "$csv" >"$BENCH_DIR/attendrisk-pupils.csv"
	agreement=$(awk -F, '
		NR == FNR { if (FNR > 1) duck[$1] = $2 "," $3 "," $4 "," $5 "," $6 "," $7 "," $8 "," $9; next }
		FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{
			mine = $col["possible_sessions"] "," $col["present_sessions"] "," $col["aea_sessions"] "," $col["authorised_absence"] "," \
				$col["unauthorised_absence"] "," $col["missing_marks"] "," $col["persistent_absence"] "," $col["severe_absence"]
			n++; if (!($1 in duck) || duck[$1] != mine) bad++
			if (mine ~ /,true,[a-z]*$/) pa++
			if (mine ~ /,true$/) sa++
		}
		END { printf "%d pupils compared, %d with different figures (%d persistent, %d severe)", n, bad, pa, sa }' \
		"$BENCH_DIR/duckdb-pupils.csv" "$BENCH_DIR/attendrisk-pupils.csv")
	log "agreement: $agreement"
	[[ $agreement == *", 0 with different figures"* ]] || die "attendrisk and DuckDB disagree: $agreement"

	pb=$(best pipeline) pm=$(median pipeline) db=$(best duckdb) dm=$(median duckdb) wb=$(best wc) wm=$(median wc)
	add "### 1. The authority year: $(basename "$csv") ($rows rows, $size_mb MB, $pupils pupils)" ""
	add "| run | best s | median s | peak MB |" "|---|---:|---:|---:|"
	add "| attendrisk analyse --format csv (default rules: figures, patterns, rules, ranking, CSV) | $pb | $pm | $(peak pipeline) |"
	add "| attendrisk analyse --no-rules --format csv (figures only, DuckDB's work) | $(best figures) | $(median figures) | $(peak figures) |"
	add "| DuckDB $(node bench/duckdb.mjs --version) per-pupil aggregation (Node.js $(node --version), all cores) | $db | $dm | $(peak duckdb) |"
	add "| wc -l (a plain byte scan) | $wb | $wm | $(peak wc) |" ""
	add "| target | best | median | |" "|---|---:|---:|---|"
	add "| pipeline / DuckDB <= 0.5 | $(ratio "$pb" "$db") | $(ratio "$pm" "$dm") | $(verdict "$(ratio "$pm" "$dm")" 0.5) |"
	add "| pipeline / wc -l <= 6 | $(ratio "$pb" "$wb") | $(ratio "$pm" "$wm") | $(verdict "$(ratio "$pm" "$wm")" 6) |"
	add "| pipeline peak <= 100 MB | $(peak pipeline) MB | | $(verdict "$(peak pipeline)" "100") |" ""
	add "Per-pupil figures (possible, present, AEA, authorised, unauthorised, missing, persistent, severe), attendrisk against DuckDB: $agreement." ""
fi

if want 2 || want 4; then
	formats="csv json jsonl parquet xlsx"
	for f in $formats; do reset "format-$f"; done
	for ((i = 1; i <= runs; i++)); do
		log "section 2, round $i/$runs"
		for f in $formats; do
			measure "format-$f" $ar analyse -q --format "$f" -o "$out/la.$f" "$csv"
		done
	done
	if want 2; then
		cb=$(best format-csv) cm=$(median format-csv) cp=$(peak format-csv)
		add "### 2. Each output format on the authority year, written with -o" ""
		add "| format | best s | median s | peak MB | median / CSV | peak / CSV | time <= 1.5x CSV | peak within target |"
		add "|---|---:|---:|---:|---:|---:|---|---|"
		for f in $formats; do
			m=$(median "format-$f") p=$(peak "format-$f")
			limit=100
			[[ $f == xlsx ]] && limit=200 # the workbook: within twice the pipeline's target
			add "| $f | $(best "format-$f") | $m | $p | $(ratio "$m" "$cm") | $(ratio "$p" "$cp") | $(verdict "$(ratio "$m" "$cm")" 1.5) | $(verdict "$p" "$limit") (<= $limit MB) |"
		done
		add ""
	fi
fi

if want 3; then
	# The base: what a run costs before it holds any pupils.
	base=$(la 300)
	sizes="$((pupils / 4)) $((pupils / 2)) $pupils"
	reset curve-base
	for n in $sizes; do reset "curve-$n" && la "$n" >/dev/null; done
	for ((i = 1; i <= runs; i++)); do
		log "section 3, round $i/$runs"
		measure curve-base $ar analyse -q --format csv "$base"
		for n in $sizes; do
			measure "curve-$n" $ar analyse -q --format csv "$(la "$n")"
		done
	done
	bp=$(awk '$2 > m { m = $2 } END { print m }' "$BENCH_DIR/curve-base.times")
	add "### 3. The curve (default rules, CSV out)" ""
	add "| pupils | rows | best s | median s | µs per pupil (median) | peak MB | bytes per pupil above the base |"
	add "|---:|---:|---:|---:|---:|---:|---:|"
	for n in $sizes; do
		m=$(median "curve-$n")
		kb=$(awk '$2 > m { m = $2 } END { print m }' "$BENCH_DIR/curve-$n.times")
		r=$(($(wc -l <"$(la "$n")") - 1))
		add "| $n | $r | $(best "curve-$n") | $m | $(awk -v m="$m" -v n="$n" 'BEGIN { printf "%.0f", m * 1e6 / n }') | $(peak "curve-$n") | $(awk -v k="$kb" -v b="$bp" -v n="$n" 'BEGIN { printf "%.0f", (k - b) * 1024 / n }') |"
	done
	add "" "The base is the peak of a 300-pupil run: $(awk -v b="$bp" 'BEGIN { printf "%.0f", b / 1024 }') MB. A national year (7 million pupils) at the largest run's bytes per pupil: $(awk -v k="$kb" -v b="$bp" -v n="$pupils" 'BEGIN { printf "%.1f", (k - b) * 1024 / n * 7e6 / 1e9 }') GB above the base." ""
fi

if want 4; then
	prev="$out/la.json" # section 2's JSON: this run's own earlier output
	reset compare summary split
	for ((i = 1; i <= runs; i++)); do
		log "section 4, round $i/$runs"
		measure compare $ar analyse -q --format csv --compare "$prev" -o "$out/compare.csv" "$csv"
		measure summary $ar summary -q --by school -o "$out/summary.csv" "$csv"
		rm -rf "$out/split"
		measure split $ar analyse -q --split-by school --format xlsx -o "$out/split" "$csv"
	done
	cm=$(median format-csv)
	add "### 4. Other commands on the authority year" ""
	add "| run | best s | median s | peak MB | median / CSV run |" "|---|---:|---:|---:|---:|"
	add "| analyse --format csv --compare (this run's JSON) | $(best compare) | $(median compare) | $(peak compare) | $(ratio "$(median compare)" "$cm") |"
	add "| summary --by school | $(best summary) | $(median summary) | $(peak summary) | $(ratio "$(median summary)" "$cm") |"
	add "| analyse --split-by school --format xlsx -o DIR ($(find "$out/split" -name '*.xlsx' | wc -l) workbooks) | $(best split) | $(median split) | $(peak split) | $(ratio "$(median split)" "$cm") |" ""
fi

if want 5; then
	# The same year as Excel's Windows CSV: Windows-1252, semicolons.
	# (Letters Windows-1252 lacks, such as the Ł of Łukasz, are
	# transliterated by iconv.)
	cp="$BENCH_DIR/la-$pupils-cp1252-semicolon.csv"
	if [[ ! -s $cp ]]; then
		log "writing $cp"
		sed 's/,/;/g' "$csv" | iconv -f utf-8 -t windows-1252//TRANSLIT >"$cp.tmp" && mv "$cp.tmp" "$cp"
	fi
	# A 1,500-pupil school's year as an XLSX register grid (bench/xlsx.sh
	# compares it with pandas and openpyxl).
	school="$BENCH_DIR/school-1500"
	if [[ ! -s $school/school-grid.xlsx ]]; then
		go run ./cmd/synth -kind school -pupils 1500 -out "$school" >/dev/null
	fi
	reset cp1252 xlsx-grid
	for ((i = 1; i <= runs; i++)); do
		log "section 5, round $i/$runs"
		measure cp1252 $ar analyse -q --format csv "$cp"
		measure xlsx-grid $ar analyse -q --format csv "$school/school-grid.xlsx"
	done
	add "### 5. Other inputs" ""
	add "| input | best s | median s | peak MB |" "|---|---:|---:|---:|"
	add "| the authority year as Windows-1252 with semicolons, default rules | $(best cp1252) | $(median cp1252) | $(peak cp1252) |"
	add "| a 1,500-pupil school's XLSX register grid, default rules | $(best xlsx-grid) | $(median xlsx-grid) | $(peak xlsx-grid) |" ""
fi

cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
mem_gb=$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo '?')
{
	echo "## attendrisk benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit"
	echo
	echo "Machine: $(nproc) cores${cpu:+ ($cpu)}, $mem_gb GB RAM, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
	echo "$runs rounds, each command once a round, side by side. Wall time and peak RSS from GNU time."
	echo
	printf '%s\n' "${report[@]}"
} | tee "$BENCH_DIR/results.md"
log "wrote $BENCH_DIR/results.md"
