"""The reference side of bench/xlsx.sh: the per-pupil figures `attendrisk
analyse` computes from an XLSX register grid, done by pandas reading the same
workbook with openpyxl, so the benchmark compares attendrisk with what an
analyst would write rather than with nothing.

    python3 bench/xlsx_pandas.py GRID.xlsx OUT.csv

The workbook is a register grid (one row per pupil, the UPN in a column
headed UPN, one column per session headed "DD/MM/YYYY AM" or "... PM", a
mark in each cell). Per pupil it counts sessions by DfE category
(shared/domain/attendance-reference.md section 1.1): present (/ \\ L),
approved educational activity (K V P W B), authorised (C C1 C2 E I J1 M R S
T and legacy H F), unauthorised (G N O U); possible = the sum of those four
(legacy J counts as approved educational activity); blank cells and "-" are
no mark and count nowhere, nor do D X Q Y Y1-Y7 Z #. Then persistent =
10 * absent >= possible and severe = 2 * absent >= possible, for pupils with
at least one possible session. It writes one CSV row per pupil and a
one-line summary on stderr.
"""

import re
import sys

import pandas as pd

PRESENT = ["/", "\\", "L"]
AEA = ["K", "V", "P", "W", "B", "J"]
AUTHORISED = ["C", "C1", "C2", "E", "I", "J1", "M", "R", "S", "T", "H", "F"]
UNAUTHORISED = ["G", "N", "O", "U"]
SESSION = re.compile(r"^\d{2}/\d{2}/\d{4} (AM|PM)$")


def main(argv):
    if len(argv) != 3:
        print("usage: python3 bench/xlsx_pandas.py GRID.xlsx OUT.csv", file=sys.stderr)
        return 2
    path, out = argv[1], argv[2]
    # dtype=str: every cell as text, as it is to attendrisk (a UPN keeps
    # its zeros); blank cells are NaN and match no code.
    df = pd.read_excel(path, sheet_name=0, engine="openpyxl", dtype=str)
    sessions = [c for c in df.columns if SESSION.match(str(c))]
    if "UPN" not in df.columns or not sessions:
        print(f"{path}: not a register grid (no UPN column or no session columns)", file=sys.stderr)
        return 1
    marks = df[sessions].apply(lambda col: col.str.strip().str.upper())
    figures = pd.DataFrame({"upn": df["UPN"].str.strip()})
    for name, codes in [("present", PRESENT), ("aea", AEA), ("authorised", AUTHORISED), ("unauthorised", UNAUTHORISED)]:
        figures[name] = marks.isin(codes).sum(axis=1)
    # One row per pupil: a pupil on two rows is summed, as attendrisk does.
    figures = figures.groupby("upn", sort=True).sum().reset_index()
    figures["possible"] = figures["present"] + figures["aea"] + figures["authorised"] + figures["unauthorised"]
    absent = figures["authorised"] + figures["unauthorised"]
    figures["persistent"] = (figures["possible"] > 0) & (10 * absent >= figures["possible"])
    figures["severe"] = (figures["possible"] > 0) & (2 * absent >= figures["possible"])
    cols = ["upn", "possible", "present", "aea", "authorised", "unauthorised", "persistent", "severe"]
    figures[cols].to_csv(out, index=False, lineterminator="\n")
    total = int(figures["possible"].sum())
    pct = round(100 * int(absent.sum()) / total, 2) if total else 0
    print(
        f"pandas {pd.__version__} (openpyxl): {len(figures)} pupils, {len(sessions)} sessions, overall absence {pct}%, "
        f"{int(figures['persistent'].sum())} persistent, {int(figures['severe'].sum())} severe -> {out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
